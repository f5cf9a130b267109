"""What send and collect say to the coordinator, in French and English (the initiative's language)."""

from __future__ import annotations

from ..errors import BackendError
from ..text import Language, Text


class MailError(BackendError):
    """The mailbox or the mail server could not be used (connection, sign-in, folder)."""


WORDS: dict[str, Text] = {
    # collect: connection and sign-in
    "no_collect": Text(
        "{source} : pas de section collect : ajoutez-en une pour relever la boîte aux lettres "
        "(voir docs/scheduling.md)",
        "{source}: no collect section: add one to collect from the mailbox (see docs/scheduling.md)",
    ),
    "cannot_connect": Text(
        "connexion impossible au serveur IMAP {where} : {reason}",
        "cannot connect to IMAP server {where}: {reason}",
    ),
    "imap_failed": Text(
        "l'échange avec le serveur IMAP {where} a échoué : {reason} "
        "(relancez la commande : ce qui est déjà enregistré ne sera pas refait)",
        "talking to IMAP server {where} failed: {reason} "
        "(run the command again: what is already saved is not saved twice)",
    ),
    "login_refused": Text(
        "le serveur IMAP {where} a refusé la connexion de {user} : {reason}",
        "IMAP server {where} refused the login for {user}: {reason}",
    ),
    "no_password_env": Text(
        "collect.password_env manque : nommez la variable d'environnement qui contient le mot de passe "
        "(ou un mot de passe d'application, ou avec auth: xoauth2 un jeton d'accès), "
        "ou utilisez auth: google",
        "collect.password_env is missing: name the environment variable holding the password "
        "(or an app password, or with auth: xoauth2 an access token), or use auth: google",
    ),
    "password_unset": Text(
        "le mot de passe de la boîte aux lettres se lit dans la variable d'environnement {variable}, "
        "qui n'est pas définie (ou est vide)",
        "the mailbox password is read from the environment variable {variable}, "
        "which is not set (or empty) in this environment",
    ),
    "no_token": Text(
        "auth: google demande la connexion Google : lancez « toolkit auth google --config … »",
        "auth: google needs the Google sign-in: run `toolkit auth google --config …`",
    ),
    "no_mail_scope": Text(
        "la connexion Google enregistrée ne permet pas de lire le courriel : "
        "relancez « toolkit auth google --config … » et acceptez l'accès à Gmail",
        "the saved Google sign-in does not allow reading mail: "
        "run `toolkit auth google --config …` again and allow access to Gmail",
    ),
    "bad_security": Text(
        "collect.security : {security!r} n'est pas une des valeurs permises : "
        "ssl, starttls, ou « aucune » (écrite `none`)",
        "collect.security: {security!r} is not one of ssl, starttls, none",
    ),
    "no_folder": Text(
        "dossier « {folder} » introuvable dans la boîte aux lettres : {reason}",
        "folder “{folder}” not found in the mailbox: {reason}",
    ),
    "imap_refused": Text("le serveur IMAP a refusé : {reason}", "the IMAP server refused: {reason}"),
    "message_gone": Text(
        "le message {uid} a disparu pendant la relève", "message {uid} disappeared while collecting"
    ),
    "refused": Text(
        "connexion refusée (le serveur tourne-t-il? le port est-il le bon?)",
        "connection refused (is the server running and the port right?)",
    ),
    "timed_out": Text("délai dépassé", "timed out"),
    "unknown_host": Text("serveur inconnu ({detail})", "unknown host ({detail})"),
    "untrusted": Text("certificat TLS non reconnu ({detail})", "TLS certificate not trusted ({detail})"),
    "tls_failed": Text("échec TLS ({detail})", "TLS failed ({detail})"),
    # collect: what happened
    "saved": Text("✓ {file} — de {sender}, {date}", "✓ {file} — from {sender}, {date}"),
    "saved_forwarded": Text(
        "✓ {file} — de {sender} (transféré par {forwarder}), {date}",
        "✓ {file} — from {sender} (forwarded by {forwarder}), {date}",
    ),
    "screened": Text("  ✗ {file} : {problem}", "  ✗ {file}: {problem}"),
    "message_too_large": Text(
        "Ignoré : message « {subject} » de {sender} : {size} (limite {limit}); "
        "enregistrez ses pièces jointes à la main",
        "Skipped: message “{subject}” from {sender}: {size} (limit {limit}); save its attachments by hand",
    ),
    "attachment_too_large": Text(
        "Ignoré : pièce jointe « {name} » du message « {subject} » de {sender} : {size} (limite {limit})",
        "Skipped: attachment “{name}” of message “{subject}” from {sender}: {size} (limit {limit})",
    ),
    "collect_summary": Text(
        "{saved} fichier(s) enregistré(s) dans {folder}, {already} déjà reçu(s), {skipped} ignoré(s)",
        "{saved} file(s) saved to {folder}, {already} already collected, {skipped} skipped",
    ),
    "unknown_sender": Text("expéditeur inconnu", "unknown sender"),
    "no_subject": Text("(sans objet)", "(no subject)"),
    # send
    "sent": Text("✓ {partner} : envoyé à {recipients}", "✓ {partner}: sent to {recipients}"),
    "written": Text("✓ {partner} : {path}", "✓ {partner}: {path}"),
    "no_email": Text(
        "– {partner} : aucune adresse courriel dans le fichier d'initiative, rien envoyé",
        "– {partner}: no email address in the initiative file, nothing sent",
    ),
    "already_sent": Text(
        "– {partner} : déjà envoyé le {date} pour cette ronde (--force pour renvoyer)",
        "– {partner}: already sent on {date} for this round (--force to send again)",
    ),
    "reminded_recently": Text(
        "– {partner} : rappel déjà envoyé le {date}, il y a moins de {days} jours (--force pour renvoyer)",
        "– {partner}: reminded on {date}, less than {days} days ago (--force to send again)",
    ),
    "failed": Text("✗ {partner} : échec de l'envoi : {reason}", "✗ {partner}: sending failed: {reason}"),
    "send_summary": Text(
        "{sent} envoyé(s), {skipped} non envoyé(s), {no_email} sans adresse, {failed} échec(s)",
        "{sent} sent, {skipped} skipped, {no_email} without an address, {failed} failed",
    ),
    "dry_run_summary": Text(
        "{written} message(s) écrit(s) dans {folder} (rien n'a été envoyé), {skipped} non envoyé(s), "
        "{no_email} sans adresse",
        "{written} message(s) written to {folder} (nothing was sent), {skipped} skipped, "
        "{no_email} without an address",
    ),
    "smtp_password_unset": Text(
        "le mot de passe SMTP se lit dans la variable d'environnement {variable}, "
        "qui n'est pas définie (ou est vide) : rien n'a été envoyé",
        "the SMTP password is read from the environment variable {variable}, "
        "which is not set (or empty): nothing was sent",
    ),
    "no_copy_file": Text(
        "aucun classeur pour ce partenaire dans {folder}", "no workbook for this partner in {folder}"
    ),
    # sending (report --email, --remind, send): the SMTP server
    "smtp_cannot_connect": Text(
        "connexion impossible au serveur SMTP {where} : {reason}",
        "cannot connect to SMTP server {where}: {reason}",
    ),
    "smtp_login_refused": Text(
        "le serveur SMTP {where} a refusé la connexion de {user} : {reason}",
        "SMTP server {where} refused the login for {user}: {reason}",
    ),
    "smtp_failed": Text(
        "l'envoi par le serveur SMTP {where} a échoué : {reason}",
        "sending through SMTP server {where} failed: {reason}",
    ),
    "smtp_sent_before": Text(
        " ({sent} message(s) sur {total} envoyé(s) avant)",
        " ({sent} of {total} messages sent before)",
    ),
    "smtp_refused": Text(
        "le serveur SMTP {where} a refusé {count} message(s) sur {total} : {problems}",
        "SMTP server {where} refused {count} of {total} messages: {problems}",
    ),
    "recipient_refused": Text("{address} refusée ({detail})", "{address} refused ({detail})"),
    "smtp_bad_security": Text(
        "smtp.security : {security!r} n'est pas une des valeurs permises : "
        "ssl, starttls, ou « aucune » (écrite `none`)",
        "smtp.security: {security!r} is not one of starttls, ssl, none",
    ),
    "not_supported": Text(
        "non pris en charge par le serveur ({detail})", "not supported by the server ({detail})"
    ),
    "disconnected": Text("le serveur a coupé la connexion", "server disconnected"),
    "no_smtp": Text(
        "{source} : pas de section smtp : ajoutez-en une pour envoyer des courriels "
        "(voir docs/scheduling.md)",
        "{source}: no smtp section: add one to send email (see docs/scheduling.md)",
    ),
}


def say(key: str, language: Language, **fields: object) -> str:
    return WORDS[key](language).format(**fields)


def size_text(size: int, language: Language) -> str:
    """'41,9 Mo' / '41.9 MB'."""
    megabytes = size / (1024 * 1024)
    if language == "fr":
        return f"{megabytes:.1f} Mo".replace(".", ",")
    return f"{megabytes:.1f} MB"
