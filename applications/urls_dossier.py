"""The full dossier's pages under /candidatures/<pk>/dossier/ (filled by the dossier work)."""

urlpatterns: list = []
