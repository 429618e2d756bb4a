#!/bin/sh
# Regenerates the 7z fixtures with 7-Zip itself (p7zip's 7z): the default solid LZMA2 archive,
# non-solid LZMA with an unpacked header (the raw layout the hostile tests forge from), PPMd,
# 7zAES with visible and with encrypted names. Content is invented.
set -e
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/导出/截图"
cp ../../alipay/testdata/2023.csv "$tmp/导出/支付宝交易明细(20250101-20250415).csv"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\6\0\0\0\37\25\304\211\0\0\0\rIDATx\234c\370\377\377?\0\5\376\2\376\247\65\201\204\0\0\0\0IEND\256B`\202' > "$tmp/导出/截图/Screenshot_20250410-223105.png"
printf '请于本周内还款。\n' > "$tmp/导出/说明.txt"
touch -d '2025-04-15 12:00:00' "$tmp/导出" "$tmp/导出/截图" "$tmp/导出"/* "$tmp/导出/截图"/*
cd "$tmp"
rm -f "$here"/*.7z
7z a -bd -bso0 "$here/plain.7z" 导出
7z a -bd -bso0 -m0=LZMA -ms=off -mhc=off "$here/lzma_rawheader.7z" 导出
7z a -bd -bso0 -m0=PPMd "$here/ppmd.7z" 导出
7z a -bd -bso0 -p123456 "$here/aes.7z" 导出
7z a -bd -bso0 -p123456 -mhe=on "$here/aes_names.7z" 导出
