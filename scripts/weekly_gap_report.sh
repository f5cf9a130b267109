#!/usr/bin/env bash
# Weekly gap report: collect the copies partners emailed back (with --collect), build the report, email it
# to the coordinator and remind lagging partners.
# Meant for cron, a systemd timer or a CI schedule (see docs/scheduling.md).
#
# Usage:
#   scripts/weekly_gap_report.sh --config initiative.yaml [options] [SOURCE...]
#
#   SOURCE...           returned copies: files, folders, Google URLs or the manifest (as `toolkit report`)
#   --config FILE       the initiative file (required)
#   --collect DIR       first save the copies emailed back into DIR (`toolkit collect`, the initiative's
#                       collect section), then report on DIR too (SOURCE may then be left out)
#   --out-dir DIR       where reports go (default: rapports/ next to the initiative file);
#                       each run writes DIR/rapport-YYYY-MM-DD.html
#   --state-dir DIR     lock, "already sent" markers and log (default: DIR/.weekly)
#   --log FILE          the log (default: STATE_DIR/weekly_gap_report.log)
#   --force             send again even if this ISO week's report was already sent
#   --no-remind         email the coordinator only, no reminders to partners
#   --fail-on-gaps      pass --fail-on-gaps to the toolkit (exit 1 when error-severity gaps remain)
#   -h, --help          this help
#
# Environment:
#   TOOLKIT_CMD         the toolkit command (default: "python -m toolkit" with the repository's .venv)
#   WEEKLY_TODAY        YYYY-MM-DD to use as today (tests, catching up a missed week)
#   the SMTP password   in the variable named by smtp.password_env in the initiative file
#   the IMAP password   in the variable named by collect.password_env (with --collect)
#
# Idempotent: once a week's report has been sent, later runs in the same ISO week (Monday to Sunday)
# only log "already sent" and exit 0, so a timer may fire again, or a missed run be caught up,
# without mailing anyone twice. A run that fails (exit 1 or 3) leaves no marker: the next one retries.
# Two runs never overlap: the second exits 4 at once.
#
# Exit codes:
#   0  report written and sent (or already sent this week)
#   1  the toolkit failed (configuration, sources, report not written), or gaps with --fail-on-gaps
#   2  usage: bad or missing option, missing initiative file, no SOURCE
#   3  the report was written to disk but sending the email or the reminders failed
#   4  another run is in progress (lock held)
#   5  the report was written and sent, but collecting from the mailbox failed (it used the copies
#      already saved; the next collect picks up what was missed)
set -uo pipefail

readonly EXIT_OK=0 EXIT_TOOLKIT=1 EXIT_USAGE=2 EXIT_EMAIL=3 EXIT_LOCKED=4 EXIT_COLLECT=5
script_name=$(basename "$0")

usage() { sed -n '6,21p' "$0" | sed 's/^# \{0,1\}//'; }

usage_error() {
    printf '%s: %s\n' "$script_name" "$1" >&2
    printf 'Try "%s --help".\n' "$script_name" >&2
    exit "$EXIT_USAGE"
}

config="" out_dir="" state_dir="" log_file="" collect_dir="" force=0 remind=1 fail_on_gaps=0
sources=()
while (($#)); do
    case $1 in
        --config | --out-dir | --state-dir | --log | --collect)
            if (($# < 2)) || [[ -z $2 ]]; then usage_error "$1 needs a value"; fi
            case $1 in
                --config) config=$2 ;;
                --collect) collect_dir=$2 ;;
                --out-dir) out_dir=$2 ;;
                --state-dir) state_dir=$2 ;;
                --log) log_file=$2 ;;
            esac
            shift 2
            ;;
        --config=* | --out-dir=* | --state-dir=* | --log=* | --collect=*)
            value=${1#*=}
            [[ -n $value ]] || usage_error "${1%%=*} needs a value"
            case $1 in
                --config=*) config=$value ;;
                --collect=*) collect_dir=$value ;;
                --out-dir=*) out_dir=$value ;;
                --state-dir=*) state_dir=$value ;;
                --log=*) log_file=$value ;;
            esac
            shift
            ;;
        --force) force=1; shift ;;
        --no-remind) remind=0; shift ;;
        --fail-on-gaps) fail_on_gaps=1; shift ;;
        -h | --help) usage; exit "$EXIT_OK" ;;
        --) shift; sources+=("$@"); break ;;
        -*) usage_error "unknown option: $1" ;;
        *) sources+=("$1"); shift ;;
    esac
done

[[ -n $config ]] || usage_error "--config is required"
[[ -f $config ]] || usage_error "initiative file not found: $config"
if [[ -n $collect_dir ]]; then
    present=0
    for source in "${sources[@]}"; do [[ $source == "$collect_dir" ]] && present=1; done
    ((present)) || sources+=("$collect_dir")
fi
((${#sources[@]})) || usage_error "give at least one SOURCE (returned copies: files or folders), or --collect DIR"
command -v flock >/dev/null || { echo "$script_name: flock (util-linux) is required" >&2; exit "$EXIT_USAGE"; }

out_dir=${out_dir:-$(dirname "$config")/rapports}
state_dir=${state_dir:-$out_dir/.weekly}
log_file=${log_file:-$state_dir/weekly_gap_report.log}
mkdir -p "$out_dir" "$state_dir" "$(dirname "$log_file")" || exit "$EXIT_TOOLKIT"

log() { printf '%s [%s] %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$$" "$*" >>"$log_file"; }

# One run at a time: the lock lives as long as this shell (file descriptor 9).
exec 9>>"$state_dir/weekly_gap_report.lock"
if ! flock --nonblock 9; then
    log "another run holds the lock ($state_dir/weekly_gap_report.lock); nothing done"
    echo "$script_name: another run is in progress" >&2
    exit "$EXIT_LOCKED"
fi

today=${WEEKLY_TODAY:-$(date '+%Y-%m-%d')}
week=$(date -d "$today" '+%G-W%V' 2>/dev/null) || usage_error "WEEKLY_TODAY is not a date: $today"
marker="$state_dir/sent-$week"
report="$out_dir/rapport-$today.html"

if [[ -e $marker && $force == 0 ]]; then
    log "week $week already sent ($(head -n 1 "$marker")); nothing to do (use --force to send again)"
    exit "$EXIT_OK"
fi

# Run the toolkit from this repository when it is not installed.
repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ -d $repo/toolkit ]]; then
    export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
fi
python=python3
[[ -x $repo/.venv/bin/python ]] && python="$repo/.venv/bin/python"  # where scripts/install.py puts it
read -r -a toolkit <<<"${TOOLKIT_CMD:-$python -m toolkit}"

# Collect first; a mailbox that cannot be read does not stop the report (it uses the copies already saved).
collect_status=0
if [[ -n $collect_dir ]]; then
    log "week $week: ${toolkit[*]} collect --config $config --out $collect_dir"
    "${toolkit[@]}" collect --config "$config" --out "$collect_dir" 2>&1 | while IFS= read -r line; do log "  | $line"; done
    collect_status=${PIPESTATUS[0]}
    ((collect_status == 0)) || log "week $week: collect failed (exit $collect_status); reporting on the copies already saved"
fi

args=(report "${sources[@]}" --config "$config" --format html --out "$report" --email)
((remind)) && args+=(--remind)
((fail_on_gaps)) && args+=(--fail-on-gaps)

log "week $week: ${toolkit[*]} ${args[*]}"
before=$(stat -c '%i %y' "$report" 2>/dev/null)
"${toolkit[@]}" "${args[@]}" 2>&1 | while IFS= read -r line; do log "  | $line"; done
status=${PIPESTATUS[0]}

# With --fail-on-gaps the toolkit exits 1 for gaps after writing and sending the report: a report
# written by this run (new file, or a new inode or time: reports are written atomically) tells that
# apart from a failure.
fresh=0
after=$(stat -c '%i %y' "$report" 2>/dev/null)
[[ -n $after && $after != "$before" ]] && fresh=1
case $status in
    0) code=$EXIT_OK ;;
    1) code=$EXIT_TOOLKIT ;;
    2) code=$EXIT_USAGE ;;
    3) code=$EXIT_EMAIL ;;
    *) code=$EXIT_TOOLKIT ;;
esac

if ((status == 0)) || ((status == 1 && fail_on_gaps && fresh)); then
    printf '%s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$report" >"$marker.tmp" && mv -f "$marker.tmp" "$marker"
fi

if ((code == EXIT_OK && collect_status != 0)); then
    code=$EXIT_COLLECT
fi

case $code in
    "$EXIT_OK") log "week $week: report written and sent: $report" ;;
    "$EXIT_COLLECT") log "week $week: report written and sent ($report), but collect failed (exit $collect_status)" ;;
    "$EXIT_EMAIL") log "week $week: report written ($report) but sending failed (exit $status); the next run retries" ;;
    *) log "week $week: the toolkit exited with $status" ;;
esac
if ((code != EXIT_OK)); then
    echo "$script_name: failed with exit code $code (toolkit exit $status); see $log_file" >&2
fi
exit "$code"
