"""The accessibility statement after the RGAA work of issue 13: what is really left, the date,
the contact means, the Défenseur des droits and the multi-year plan (RGAA 4.1 requires each).

The page is administrator-editable: it is replaced only while it still holds the text seeded by
0004 (or is missing), so that an administrator's wording is never overwritten."""

from django.db import migrations

OLD_START_FR = "L'Agence nationale de la recherche s'engage à rendre ses services numériques"

BODY_FR = """L'Agence nationale de la recherche (ANR) s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique au Portail CMA — Santé numérique (candidatures à l'appel à manifestation d'intérêt « Compétences et métiers d'avenir », volet santé numérique).

## État de conformité

Le Portail CMA — Santé numérique est partiellement conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA) version 4.1. Aucun audit complet des 106 critères par un auditeur indépendant n'a encore été réalisé : le taux de conformité n'est donc pas encore mesuré.

## Résultats des tests

Le 1er décembre 2026, l'équipe a testé dans Chromium, avec axe-core 4.11, toutes les pages du parcours et toutes les pages publiques, en français et en anglais, connecté dans chaque rôle (porteur, évaluateur·rice, chargé·e de programme, administrateur·rice, visiteur), formulaires en erreur compris : aucune anomalie critique, grave ou modérée. Tous les formulaires ont un récapitulatif d'erreurs qui prend le focus et renvoie à chaque champ ; aucune page ne défile horizontalement à 320 pixels de large ; le menu reste accessible sans JavaScript sur mobile ; les PDF générés (récépissés, dossiers, lettres de décision) sont balisés (structure, titres, langue).

## Contenus non accessibles

Non-conformités connues :

- Sur petit écran, les tableaux larges et les graphiques du pilotage défilent horizontalement dans leur cadre ; sans JavaScript, ce cadre ne reçoit pas le focus du clavier (critère 12.13). Les graphiques ont une alternative textuelle qui donne tous les chiffres, et chaque graphique est suivi d'un tableau.
- Les PDF générés sont balisés mais n'ont pas été validés avec un outil de conformité PDF/UA (critère 13.3).
- Aucun test n'a encore été fait avec un lecteur d'écran (NVDA, VoiceOver) ni par des personnes en situation de handicap.
- L'interface d'administration technique (/admin/, réservée aux administrateurs) n'a pas été évaluée.
- Le sous-menu du pilotage utilise des étiquettes (fr-tag) plutôt qu'un menu latéral du Système de design de l'État.

Dérogation pour charge disproportionnée : aucune.

Contenus non soumis à l'obligation d'accessibilité : les documents PDF déposés par les candidats (contenus de tiers).

## Établissement de cette déclaration

Cette déclaration a été établie le 1er décembre 2026. Elle sera mise à jour après l'audit prévu en 2027.

Technologies utilisées : HTML, CSS (Système de design de l'État), JavaScript en amélioration progressive. Sans JavaScript, les fonctions restent disponibles ; seules l'ajout immédiat de lignes dans les formulaires (il suffit d'enregistrer pour obtenir de nouvelles lignes) et la mise au point du focus sur le récapitulatif d'erreurs en dépendent.

Environnement de test : Chromium (Debian) piloté par Playwright, axe-core 4.11, largeurs 1280 et 320 pixels.

## Plan d'actions

Schéma pluriannuel 2026-2028 :

- 2026 : tests automatisés à chaque version (axe-core, largeur de 320 pixels, navigation sans JavaScript), récapitulatifs d'erreurs, PDF balisés.
- 2027 : audit complet RGAA 4.1 par un auditeur indépendant, tests avec lecteurs d'écran, correction des non-conformités relevées, publication du taux de conformité.
- 2028 : validation PDF/UA des documents générés, formation des équipes, nouvel audit après toute refonte.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter l'équipe du portail pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme : par la messagerie de votre candidature (espace « Mes candidatures »), ou par courrier à l'Agence nationale de la recherche, programme France 2030.

## Voies de recours

Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits :

- écrire un message au Défenseur des droits (formulaire en ligne sur le site du Défenseur des droits) ;
- contacter le délégué du Défenseur des droits dans votre région ;
- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."""

BODY_EN = """The French National Research Agency (ANR) is committed to making its digital services accessible, in accordance with Article 47 of French Law No. 2005-102 of 11 February 2005.

This accessibility statement applies to the CMA Portal — Digital Health (applications to the “Skills and Jobs of the Future” call for expressions of interest, digital-health strand).

## Compliance status

The CMA Portal — Digital Health is partially compliant with the French General Accessibility Improvement Framework (RGAA) version 4.1. No full audit of the 106 criteria by an independent auditor has been carried out yet, so the compliance rate is not measured yet.

## Test results

On 1 December 2026 the team tested in Chromium, with axe-core 4.11, every page of the journey and every public page, in French and in English, signed in with each role (applicant, reviewer, programme manager, administrator, visitor), forms in their error state included: no critical, serious or moderate issue. Every form has an error summary that takes focus and links to each field; no page scrolls horizontally at 320 pixels wide; the menu stays reachable without JavaScript on mobile; the generated PDFs (receipts, dossiers, decision letters) are tagged (structure, headings, language).

## Non-accessible content

Known non-compliances:

- On small screens, wide tables and the steering charts scroll horizontally inside their box; without JavaScript, that box does not receive keyboard focus (criterion 12.13). The charts have a text alternative giving every figure, and each chart is followed by a table.
- The generated PDFs are tagged but have not been validated with a PDF/UA conformance tool (criterion 13.3).
- No test has been made yet with a screen reader (NVDA, VoiceOver) nor by people with disabilities.
- The technical administration interface (/admin/, for administrators only) has not been assessed.
- The steering sub-menu uses tags (fr-tag) rather than a side menu of the French State Design System.

Exemption for disproportionate burden: none.

Content not subject to the accessibility requirement: PDF documents uploaded by applicants (third-party content).

## Preparation of this statement

This statement was prepared on 1 December 2026. It will be updated after the audit planned for 2027.

Technologies used: HTML, CSS (French State Design System), JavaScript as progressive enhancement. Without JavaScript every feature stays available; only adding form rows at once (saving gives new rows) and moving focus to the error summary depend on it.

Test environment: Chromium (Debian) driven by Playwright, axe-core 4.11, widths of 1280 and 320 pixels.

## Action plan

Multi-year plan 2026-2028:

- 2026: automated tests on every release (axe-core, 320-pixel width, navigation without JavaScript), error summaries, tagged PDFs.
- 2027: full RGAA 4.1 audit by an independent auditor, screen-reader tests, fixes of the non-compliances found, publication of the compliance rate.
- 2028: PDF/UA validation of the generated documents, staff training, new audit after any redesign.

## Feedback and contact

If you are unable to access any content or service, you can contact the portal team to be directed to an accessible alternative or to obtain the content in another format: through the messages of your application (“My applications” area), or by post to the French National Research Agency, France 2030 programme.

## Enforcement procedure

If you find an accessibility issue that prevents you from accessing any content or feature of the site, report it to us and do not receive a response, you are entitled to send your complaints or a request for referral to the Defender of Rights (Défenseur des droits):

- write a message to the Defender of Rights (online form on the Defender of Rights' website);
- contact the Defender of Rights delegate in your region;
- send a letter by post (free of charge, no stamp needed): Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."""


def update_statement(apps, schema_editor):
    SitePage = apps.get_model("cma_portal", "SitePage")
    page = SitePage.objects.filter(slug="accessibilite").first()
    if page is None:
        return
    if page.body_fr.startswith(OLD_START_FR) and "Plan d'actions" not in page.body_fr:
        page.body_fr = BODY_FR
        page.body_en = BODY_EN
        page.save(update_fields=["body_fr", "body_en"])


class Migration(migrations.Migration):
    dependencies = [("cma_portal", "0006_login_lockout")]

    operations = [migrations.RunPython(update_statement, migrations.RunPython.noop)]
