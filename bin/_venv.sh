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

# Candidates in order of preference. The distribution's own /usr/bin/python3 comes before whatever `python3` is first
# on PATH: Debian builds it with PGO and LTO and links libpython statically, while pyenv (PATH's python3 on these
# machines) builds without either and with a shared libpython. Measured under bench/load.py on one 2-core machine:
# the same app served 18 % more lesson pages per second on Debian's 3.11.2 than on pyenv's 3.11.7.
python_candidates() {
    local c
    for c in ${PYTHON:-} /usr/bin/python3 python3 python3.13 python3.12 python3.11; do
        if command -v "$c" >/dev/null 2>&1 && _python_ok "$c"; then
            command -v "$c"
        fi
    done
}

ensure_venv() {
    local lock="$1" stamp want py
    [[ -f "$lock" ]] || die "$lock is missing (regenerate it with bin/lock)"

    if [[ -e .venv ]] && ! { _python_ok .venv/bin/python && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
        log ".venv is broken or older than Python 3.11: recreating it"
        rm -rf .venv
    fi
    if [[ ! -e .venv ]]; then
        # The first candidate that makes a venv with pip wins (Debian's python3 needs the python3-venv package).
        for py in $(python_candidates); do
            log "creating .venv with $py ($("$py" --version 2>&1))"
            if "$py" -m venv .venv >/dev/null 2>&1 && .venv/bin/python -m pip --version >/dev/null 2>&1; then
                break
            fi
            log "'$py -m venv' did not give a venv with pip (on Debian: apt-get install python3-venv); trying the next"
            rm -rf .venv
        done
        [[ -e .venv ]] || die "no Python 3.11 or newer here makes a venv (set PYTHON=/path/to/python3.11)"
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
