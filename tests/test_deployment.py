"""docker-compose.yml describes the deployment of docs/operations.md: the object store, the
metrics scrape, one beat. `docker compose config` validates it when the docker client has the
compose plugin (.ci/run runs it too); the structure is checked here in any case."""

import os
import shutil
import subprocess

import yaml
from django.conf import settings

REQUIRED_ENV = {
    "SECRET_KEY": "x" * 50,
    "POSTGRES_PASSWORD": "pg",
    "S3_ACCESS_KEY": "access",
    "S3_SECRET_KEY": "secret-secret",
    "METRICS_TOKEN": "token",
}


def compose() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())


def test_compose_runs_the_portal_on_the_object_store_with_a_metrics_scrape():
    services = compose()["services"]
    assert {"postgres", "redis", "minio", "minio-init", "prometheus", "web", "worker", "beat"} <= set(
        services
    )
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["MEDIA_STORAGE"] == "s3" and env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert "volumes" not in services[name] or not any("media" in v for v in services[name]["volumes"])
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert services["web"]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    assert "web" in services["web"]["environment"]["ALLOWED_HOSTS"]  # the scraper's Host

    prometheus = services["prometheus"]
    mount = next(v for v in prometheus["volumes"] if v.endswith("prometheus.yml:ro"))
    config = yaml.safe_load((settings.BASE_DIR / mount.split(":")[0]).read_text())
    job = config["scrape_configs"][0]
    assert job["metrics_path"] == "/metrics" and job["static_configs"][0]["targets"] == ["web:8000"]
    assert job["authorization"]["credentials_file"] == "/run/secrets/metrics_token"
    assert prometheus["secrets"] == ["metrics_token"]


def test_docker_compose_config_validates_when_the_client_has_compose():
    docker = shutil.which("docker")
    has_compose = bool(docker) and (
        subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30).returncode == 0
    )
    if not has_compose:
        # No compose plugin on this machine (the engine is not needed): the structural test
        # above stands; .ci/run validates with `docker compose config` wherever it exists.
        assert yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
        return
    result = subprocess.run(
        [docker, "compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **REQUIRED_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
