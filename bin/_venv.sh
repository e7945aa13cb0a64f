# shellcheck shell=bash
# Sourced by bin/serve and bin/test (not run on its own). Expects ROOT to be the repo root and the cwd to be ROOT.
#
#   ensure_venv requirements/app.lock
#
# Creates .venv with Python >= 3.11 if it is missing or broken, then, only when the lock file (or pyproject.toml)
# changed since the last install (or a top-level package appeared), upgrades pip, installs the lock file and installs this project with
# `pip install --no-deps -e .`. The stamp is .venv/.installed-<lock name>, holding the sha256 of both files and the package list.

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

log() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

_python_ok() {  # is $1 a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local c
    for c in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$c" >/dev/null 2>&1 && _python_ok "$c"; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    local lock="$1" stamp want py
    [[ -f "$lock" ]] || die "$lock is missing (regenerate it with bin/lock)"

    if [[ -e .venv ]] && ! { _python_ok .venv/bin/python && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
        log ".venv is broken or older than Python 3.11: recreating it"
        rm -rf .venv
    fi
    if [[ ! -e .venv ]]; then
        py="$(find_python)" || die "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"
        log "creating .venv with $py ($("$py" --version 2>&1))"
        "$py" -m venv .venv || die "'$py -m venv' failed (on Debian: apt-get install python3-venv)"
    fi

    stamp=".venv/.installed-$(basename "$lock")"
    # The editable install maps the top-level packages that existed when it ran: a new one needs a reinstall too.
    want="$(sha256sum "$lock" pyproject.toml | awk '{print $1}' | paste -sd' ') $(ls -d -- */__init__.py 2>/dev/null | paste -sd,)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && [[ -x .venv/bin/tutor ]]; then
        return 0
    fi

    log "installing $lock into .venv (runs again only when $lock or pyproject.toml changes)"
    # -qq: errors only (the machine's pip config makes pip warn about every local mirror it looks in)
    .venv/bin/python -m pip install -qq --upgrade pip
    .venv/bin/python -m pip install -qq -r "$lock"
    .venv/bin/python -m pip install -qq --no-deps -e .
    rm -f .venv/.installed-*          # another lock's stamp may be stale now
    printf '%s\n' "$want" > "$stamp"
}
