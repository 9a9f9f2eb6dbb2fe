#!/usr/bin/env bash
# Installs what dofa needs, builds it and starts the main job: the dashboard (dofa-dashboard)
# on the shipped model, its shipped profile and the default source (Fashion-MNIST test set
# replayed at 30 fps). Arguments go to dofa-dashboard (see its --help).
# Without a display it runs under xvfb-run: for 10 s, saving a screenshot, unless arguments
# say otherwise; without xvfb-run either it says what to do and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default
cmake --build --preset default --parallel "${DOFA_BUILD_JOBS:-$(nproc)}" --target dofa dofa-dashboard
dashboard=./build/app/dofa-dashboard

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$dashboard" "$@"
fi
if command -v xvfb-run >/dev/null 2>&1; then
    if [ $# -eq 0 ]; then
        mkdir -p runs
        set -- --screenshot runs/dashboard.png --quit-after 10
        echo "run.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset): running dofa-dashboard" \
            "under xvfb-run for 10 s; the screenshot goes to runs/dashboard.png" >&2
    else
        echo "run.sh: no display: running dofa-dashboard under xvfb-run" >&2
    fi
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$dashboard" "$@"
fi
echo "run.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset) and no xvfb-run." >&2
echo "run.sh: start it on a desktop session ($dashboard), over ssh -X, or install xvfb" \
    "(apt-get install xvfb xauth) to run it headless with --screenshot FILE --quit-after SECONDS." >&2
echo "run.sh: the CLI needs no display: ./build/app/dofa run --latency 1.0 --frames 2000" >&2
exit 1
