#!/usr/bin/env bash
# Retakes the two Neovim captures in the README (completion menu, hover table), to paste there
# when the default model changes. By hand, not in CI: needs tmux, Neovim and a release build.
# It installs as the README says into a temporary HOME (binary in ~/.local/bin, model in
# ~/.local/share/maskfill, the README's init.lua, the clone at ~/src/maskfill), so the captures
# show what a new user sees.
#   swift build -c release && bash editors/nvim/tests/readme_captures.sh
set -euo pipefail
REPO=${1:-$(cd "$(dirname "$0")/../../.." && pwd)}
H=$(mktemp -d)
S=mfcap
trap 'tmux kill-session -t $S 2>/dev/null || true; rm -rf "$H"' EXIT
mkdir -p "$H/src" "$H/.local/bin" "$H/.local/share/maskfill" "$H/.config/nvim"
git clone -q "$REPO" "$H/src/maskfill"
cp "$REPO/.build/release/maskfill" "$H/.local/bin/"
cp -r "$H/src/maskfill/Models/maskfill-mini" "$H/.local/share/maskfill/"
# the init.lua from the README, verbatim
awk '/^### Neovim/{f=1} f&&/^```lua/{g=1;next} g&&/^```/{exit} g' "$REPO/README.md" > "$H/.config/nvim/init.lua"
mkdir -p "$H/work"
tmux kill-session -t $S 2>/dev/null || true
tmux new-session -d -s $S -x 80 -y 14 -c "$H/work" "env -i HOME=$H PATH=$H/.local/bin:/usr/bin:/bin TERM=xterm-256color nvim review.md"
sleep 2
tmux send-keys -t $S 'i# Review' Enter Enter 'I have watched this <mask> and it was awesome.' Escape
sleep 1
tmux send-keys -t $S 'F>a' C-x C-o
sleep 4
echo "=== capture 1"; tmux capture-pane -p -t $S
tmux send-keys -t $S C-e Escape
sleep 1
tmux send-keys -t $S K
sleep 3
echo "=== capture 2"; tmux capture-pane -p -t $S
