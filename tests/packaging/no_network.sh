#!/usr/bin/env bash
# Checks that fusioncoder opens no network socket: runs `fusioncoder-cli predict` and the GUI's headless
# screenshot path (QT_QPA_PLATFORM=offscreen) under strace and fails on any AF_INET/AF_INET6 socket or
# connect. AF_UNIX/AF_NETLINK are local and allowed. Exit 77 (skipped) without strace (apt-get install strace).
#   no_network.sh CLI GUI NOTE
set -uo pipefail
cli="$1" gui="$2" note="$3"
command -v strace >/dev/null || { echo "no_network: strace is not installed; skipped"; exit 77; }
work=$(mktemp -d /tmp/fusioncoder-nonet.XXXXXX)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work" HOME="$work" OMP_NUM_THREADS=1
# LeakSanitizer cannot run under ptrace (sanitizer builds): leaks are checked by the other tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
status=0
run() { # run NAME COMMAND...
  local name="$1"; shift
  if ! strace -f -qq -e trace=socket,connect -o "$work/$name.trace" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "FAIL $name: the command failed"; tail -n 5 "$work/$name.err"; status=1; return
  fi
  if grep -E 'AF_INET6?[,)]|PF_INET6?[,)]' "$work/$name.trace"; then
    echo "FAIL $name opened a network socket (above)"; status=1
  else
    echo "ok   $name: $(grep -c -E 'socket\(|connect\(' "$work/$name.trace") local socket call(s), none AF_INET/AF_INET6"
  fi
}
run cli-predict "$cli" predict --model default --top 5 "$note"
run gui-screenshot "$gui" --db "$work/decisions.sqlite" --open "$note" --screenshot "$work/shot.png" --quit
exit $status
