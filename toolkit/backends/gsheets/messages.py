"""What the Google backend says to the coordinator, in French and English (one place, like i18n.py)."""

from __future__ import annotations

from ...text import Language, Text

SIGN_IN_AGAIN = Text(
    "Google : votre autorisation a expiré ou a été révoquée. Lancez de nouveau "
    "`toolkit auth google --config initiative.yaml`. Si cela revient chaque semaine, votre application "
    "Google est « en test » (autorisation limitée à 7 jours) : publiez-la, ou utilisez un compte de "
    "service pour les exécutions automatiques (README, « Google Sheets »).",
    "Google: your sign-in expired or was revoked. Run `toolkit auth google --config initiative.yaml` "
    'again. If this happens every week, your Google app is in "Testing" status (sign-ins last 7 days): '
    'publish it, or use a service account for unattended runs (README, "Google Sheets").',
)
KEY_REFUSED = Text(
    "Google refuse la clé du compte de service (supprimée ou désactivée?) : créez-en une nouvelle "
    "dans la console Google Cloud et indiquez-la dans google.credentials.",
    "Google refuses the service-account key (deleted or disabled?): create a new one in the Google "
    "Cloud console and set it in google.credentials.",
)
NOT_SIGNED_IN = Text(
    "Google : pas encore de connexion; lancez `toolkit auth google --config initiative.yaml`.",
    "Google: not signed in yet; run `toolkit auth google --config initiative.yaml`.",
)
NO_KEY_FILE = Text(
    "google.credentials : aucun fichier de clé de compte de service (indiquez-le dans le fichier "
    "d'initiative ou dans {variable})",
    "google.credentials: no service-account key file (set it in the initiative file or {variable})",
)
KEY_NOT_FOUND = Text(
    "{path} : fichier de clé du compte de service introuvable",
    "{path}: service-account key file not found",
)
KEY_INVALID = Text(
    "{path} : ce n'est pas un fichier de clé de compte de service (JSON téléchargé de la console Google "
    "Cloud)",
    "{path}: not a valid service-account key file",
)
CLIENT_NOT_SET = Text(
    "google.credentials : le fichier du client OAuth (application de bureau) n'est pas indiqué",
    "google.credentials: the OAuth client file (Desktop app) is not set",
)
CLIENT_NOT_FOUND = Text("{path} : fichier du client OAuth introuvable", "{path}: OAuth client file not found")
CLIENT_INVALID = Text(
    "{path} : ce n'est pas un fichier de client OAuth de type « Application de bureau »",
    "{path}: not an OAuth client file of type 'Desktop app'",
)
AUTH_KIND = Text(
    "google.auth : « {value} » n'est pas permis; choisissez oauth ou service_account",
    "google.auth: '{value}' is not 'oauth' or 'service_account'",
)
NO_MANIFEST = Text("{path} : manifeste Google introuvable", "{path}: no such manifest")
MANIFEST_UNREADABLE = Text(
    "{path} : manifeste Google illisible ({reason})", "{path}: unreadable Google manifest ({reason})"
)
MANIFEST_OTHER = Text(
    "{path} : manifeste de l'initiative « {found} », pas de « {initiative} »",
    "{path}: manifest of initiative '{found}', not '{initiative}'",
)
TOKEN_UNREADABLE = Text(
    "{path} : le jeton Google enregistré est illisible; lancez de nouveau `toolkit auth google`.",
    "{path}: the cached Google token is unreadable; run `toolkit auth google` again.",
)
FOLDER_INVISIBLE = Text(
    "Google Drive : la boîte à outils ne voit pas le dossier {folder}. Elle ne voit que les dossiers "
    "qu'elle a créés elle-même (permission « drive.file ») et n'a pas créé celui-ci. Rien n'a été créé. "
    "Lancez `toolkit generate --backend gsheets --create-folder` : elle créera le dossier « {name} » "
    "dans votre Drive, notera son identifiant dans le manifeste et s'en servira ensuite.",
    "Google Drive: the toolkit cannot see folder {folder}. It sees only folders it created itself "
    '(the "drive.file" permission) and did not create this one. Nothing was created. Run '
    "`toolkit generate --backend gsheets --create-folder`: it will create the folder “{name}” in your "
    "Drive, record its id in the manifest and use it from then on.",
)
NOT_A_FOLDER = Text(
    "Google Drive : {folder} n'est pas un dossier où la boîte à outils peut ajouter des fichiers.",
    "Google Drive: {folder} is not a folder the toolkit can add files to.",
)
NEEDS_SHARED_DRIVE = Text(
    "Google Drive : un compte de service n'a pas d'espace de stockage à lui; google.folder_id doit "
    "désigner un dossier d'un Drive partagé où ce compte est « Gestionnaire de contenu ».",
    "Google Drive: a service account has no storage of its own; google.folder_id must name a folder "
    "in a shared drive where the account is a Content manager.",
)
INVITED_BY_EMAIL = Text(
    "{email} n'a pas de compte Google : l'invitation lui a été envoyée par courriel (Google l'exige). "
    "Quiconque reçoit ce courriel peut ouvrir la copie; ouvrir le lien demande de se connecter à un "
    "compte Google ou d'en créer un avec cette adresse.",
    "{email} has no Google account: the invitation was sent by email (Google requires it). Whoever "
    "gets that email can open the copy; the link asks to sign in to a Google account or create one "
    "with that address.",
)
DUPLICATES_TRASHED = Text(
    "{count} copie(s) en double laissée(s) par une création interrompue mise(s) à la corbeille.",
    "{count} duplicate copy(ies) left by an interrupted creation moved to the trash.",
)
LONG_TEXT_TAB = Text("Texte intégral", "Full text")
LONG_TEXT_HEADER = (
    Text("Onglet", "Tab"),
    Text("Cellule", "Cell"),
    Text("Partie", "Part"),
    Text("Texte", "Text"),
)
LONG_TEXT_MARK = Text(
    " … [texte coupé : suite dans l'onglet « Texte intégral », cellule {cell}]",
    " … [text cut: continued in the “Full text” tab, cell {cell}]",
)


def language_of(locale: str) -> Language:
    """The toolkit language for a spreadsheet locale ("fr_CA" -> "fr"); English otherwise."""
    return "fr" if locale.lower().startswith("fr") else "en"


def say(text: Text, language: Language, **fields: object) -> str:
    return text(language).format(**fields)


GOOGLE_REFUSED = Text(
    "Google {service} a refusé {method} {where} : {reason}",
    "Google {service} refused {method} {where}: {reason}",
)
GAVE_UP = Text(
    "Google n'a pas accepté {what} après {attempts} tentatives en {seconds} s (dernière réponse : "
    "{detail}); réessayez plus tard",
    "Google did not accept {what} after {attempts} attempts over {seconds} s (last answer: {detail}); "
    "try again later",
)
TOKEN_NOT_WRITTEN = Text(
    "{path} : impossible d'enregistrer l'autorisation Google ({reason})",
    "{path}: cannot write the Google token ({reason})",
)
ONLY_USER_TOKENS = Text(
    "Google : seule une autorisation d'utilisateur (OAuth) peut être enregistrée",
    "Google: only OAuth user credentials can be cached",
)
