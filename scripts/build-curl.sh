#!/usr/bin/env bash
# The minimal static libcurl every Swift target links (Package.swift, the HTTP target): built from
# Debian's own curl source package, with Debian's patches (security fixes included), configured for
# HTTP and HTTPS over OpenSSL 3 and zlib (Debian's libssl-dev and zlib1g-dev, which Package.swift
# links statically too) with the threaded resolver, and nothing
# else: no LDAP, RTMP, SSH, Kerberos, IDN, PSL, brotli, zstd, HTTP/2 (we speak HTTP/1.1 to AWS),
# FTP, mail or other protocols. Debian's libcurl4 loads about 30 shared libraries for those, which
# made every function that calls AWS start about 3 ms later than one that does not (BENCHMARKS.md).
#
# The source is the version of the libcurl4-openssl-dev whose headers Swift compiles against (the
# newest the archive has; the script upgrades the headers to it), so headers and library always
# match, and a Debian security update is picked up on the next run after `apt-get update`.
#
# Output: .build-curl/lib/libcurl-minimal.a (a name no system library has, so the linker cannot
# fall back to Debian's libcurl.so when it is missing). Idempotent: a stamp of the version and of
# this script's configuration skips everything when nothing changed (about a second). A rebuild
# removes the binaries linked with the old library from the scratch folders, so the next build relinks.
# Needs: a deb-src line for bookworm (added as /etc/apt/sources.list.d/debian-src.sources when
# missing), dpkg-dev, autoconf, automake, libtool, gcc, make, libssl-dev, zlib1g-dev.
#
# Environment: CURL_BUILD_DIR (default .build-curl in the work tree).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${CURL_BUILD_DIR:-$root/.build-curl}
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
say() { echo "build-curl: $*"; }
fail() {
    echo "build-curl: $*" >&2
    exit 1
}

# Everything but HTTP(S): every option that can be turned off and that Sources/HTTP does not use.
# Kept: proxy support (HTTPClient sets CURLOPT_PROXY to "" to ignore http_proxy; without it the
# option is unknown), HTTP authentication (Basic from a link's user:password@), IPv6, the progress
# callback, zlib (Content-Encoding: gzip when asked), and file: URLs, which CURLOPT_PROTOCOLS_STR
# refuses anyway but which without it are "malformed" rather than "unsupported protocol" (a
# redirect to file:///etc/passwd must fail as the latter, Tests/HTTPTests).
CONFIGURE_OPTIONS=(
    --disable-shared --enable-static --with-pic
    --disable-dependency-tracking --enable-symbol-hiding --disable-manual --disable-libcurl-option
    --with-openssl --with-zlib --enable-threaded-resolver --enable-ipv6
    --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs
    --enable-http --disable-ftp --disable-ldap --disable-ldaps --disable-rtsp
    --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb
    --disable-smtp --disable-gopher --disable-mqtt --disable-websockets
    --disable-ntlm --disable-ntlm-wb --disable-tls-srp --disable-crypto-auth --disable-unix-sockets
    --disable-cookies --disable-doh --disable-mime --disable-netrc --disable-alt-svc --disable-hsts
    --disable-get-easy-options --disable-sspi --disable-ares
    --without-nghttp2 --without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3
    --without-hyper --without-librtmp --without-libssh2 --without-libssh --without-wolfssh
    --without-libpsl --without-libidn2 --without-brotli --without-zstd --without-gssapi
    --without-libgsasl --without-zsh-functions-dir --without-fish-functions-dir
)

# --- what to build: the archive's newest libcurl4-openssl-dev, whose headers Swift uses -----------
installed=$(dpkg-query -W -f='${Version}' libcurl4-openssl-dev 2>/dev/null || true)
candidate=$(apt-cache policy libcurl4-openssl-dev | sed -n 's/^ *Candidate: *//p')
[ -n "$candidate" ] && [ "$candidate" != "(none)" ] || candidate=$installed
[ -n "$candidate" ] || fail "apt knows no libcurl4-openssl-dev (run apt-get update)"
version=$candidate
stamp_want="$version $(cat "$0" | sha256sum | cut -c1-16)"
if [ -f "$out/lib/libcurl-minimal.a" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp_want" ] \
    && [ "$installed" = "$version" ]; then
    exit 0
fi

start=$(date +%s)
# --- tools and headers ------------------------------------------------------------------------------
missing=()
for package in dpkg-dev autoconf automake libtool gcc make libssl-dev zlib1g-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ "$installed" = "$version" ] || missing+=("libcurl4-openssl-dev=$version")
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- the source package, through apt (checked against the archive's signed Sources index) -------
# (sed, not grep -q, reads all of apt-cache's output: no SIGPIPE failing the pipeline)
if [ -z "$(apt-cache showsrc curl 2>/dev/null | sed -n '/^Package: curl$/p')" ]; then
    say "adding a deb-src line for bookworm (/etc/apt/sources.list.d/debian-src.sources)"
    mirror=$(sed -n 's/^URIs:[[:space:]]*\(\S*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    mirror=${mirror:-http://deb.debian.org/debian}
    $SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null <<SOURCES
# Source packages, for Transcriptor's scripts/build-curl.sh (Debian's curl source).
Types: deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: ${mirror}-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    $SUDO apt-get update -qq
fi
work=$out/work
rm -rf "$work"
mkdir -p "$work"
say "fetching Debian's curl $version source"
(cd "$work" && apt-get source --download-only -qq "curl=$version" >/dev/null 2>&1) \
    || fail "apt-get source curl=$version failed (is the deb-src line reachable? apt-get update?)"
dsc=$(ls "$work"/curl_*.dsc)
dpkg-source -x "$dsc" "$work/src" >/dev/null 2>&1 || fail "dpkg-source -x $dsc failed"

# --- as debian/rules does for its OpenSSL flavour: Debian's patches but the last two (which rename
# the library for the GnuTLS and NSS flavours), autoreconf, and Debian's patched ltmain.sh back ---
cd "$work/src"
for patch in 99_nss.patch 90_gnutls.patch; do
    patch -R -p1 -s <"debian/patches/$patch" || fail "could not take $patch back out"
done
say "configuring (autoreconf, configure)"
cp ltmain.sh ltmain.sh.debian
autoreconf -fi >"$work/autoreconf.log" 2>&1 || { tail -20 "$work/autoreconf.log" >&2; fail "autoreconf failed"; }
cp ltmain.sh.debian ltmain.sh
# Debian's hardening flags, as its build uses them.
export CFLAGS="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections"
export CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS) -DCURL_PATCHSTAMP=\\\"$version\\\""
./configure --prefix="$out/prefix" "${CONFIGURE_OPTIONS[@]}" >"$work/configure.log" 2>&1 \
    || { tail -30 "$work/configure.log" >&2; fail "configure failed (log: $work/configure.log)"; }
say "building"
make -j"$(nproc)" -C lib >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; fail "make failed"; }
make -C lib install >/dev/null && make -C include install >/dev/null

# --- the result --------------------------------------------------------------------------------------
rm -rf "$out/lib" "$out/include"
mkdir -p "$out/lib"
cp "$out/prefix/lib/libcurl.a" "$out/lib/libcurl-minimal.a"
cp -r "$out/prefix/include" "$out/include"
grep -E '^(#define (USE_|HAVE_LIBZ|CURL_DISABLE_|ENABLE_IPV6))' lib/curl_config.h | sort >"$out/features.txt"
cd "$root"
rm -rf "$work" "$out/prefix"
echo "$stamp_want" >"$out/stamp"

# SwiftPM does not see a library change: remove what links it from every scratch folder here, so
# the next build links the new library instead of keeping binaries with the old one.
for product in .build*/*/*/*.product Benchmarks/.build*/*/*/*.product Fuzz/.build*/*/*/*.product; do
    [ -d "$product" ] || continue
    rm -rf "${product%.product}" "${product%.product}.xctest"
done
say "libcurl $version (HTTP, HTTPS over OpenSSL, zlib) in $out/lib/libcurl-minimal.a ($(($(date +%s) - start)) s)"
