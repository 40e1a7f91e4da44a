#!/usr/bin/env bash
# Puts a current Emacs (Debian bookworm-backports' emacs-nox, 30.x, with eglot built in) where
# the editor tests look for it (.build/test-tools/emacs-current/emacs), beside Debian 12's Emacs
# 28 on PATH. The packages are downloaded with apt into a private state folder (the system's
# apt sources and installed packages are not touched) and unpacked, not installed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DEST=$PWD/.build/test-tools/emacs-current
if [ -x "$DEST/emacs" ] && "$DEST/emacs" --batch --eval '(princ emacs-version)' >/dev/null 2>&1; then
    "$DEST/emacs" --batch --eval '(princ (format "Emacs %s\n" emacs-version))' 2>/dev/null
    exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/debs"
echo "deb http://deb.debian.org/debian bookworm-backports main" > "$WORK/sources.list"
APT=(-o "Dir::Etc::sourcelist=$WORK/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache=$WORK/cache" -o "APT::Sandbox::User=root")
apt-get "${APT[@]}" -q update >/dev/null
(cd "$WORK/debs" && apt-get "${APT[@]}" -q download emacs-nox emacs-bin-common emacs-common >/dev/null)
rm -rf "$DEST"
mkdir -p "$DEST/root"
for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$DEST/root"; done
LISP=$(ls -d "$DEST"/root/usr/share/emacs/[0-9]*/lisp | head -1)
DUMP=$(find "$DEST/root/usr/libexec/emacs" -name '*.pdmp' | head -1)
cat > "$DEST/emacs" <<WRAPPER
#!/usr/bin/env bash
# Emacs unpacked from bookworm-backports: its Lisp, data and dump file are under root/.
export EMACSLOADPATH=\$(find "$LISP" -type d | tr '\n' ':')
export EMACSDATA="$(dirname "$LISP")/etc"
exec "$DEST/root/usr/bin/emacs-nox" --dump-file="$DUMP" "\$@"
WRAPPER
chmod +x "$DEST/emacs"
"$DEST/emacs" --batch --eval '(princ (format "Emacs %s\n" emacs-version))' 2>/dev/null
