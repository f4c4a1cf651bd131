#!/bin/bash -eu
# Builds the cargo-fuzz targets of fuzz/ for ClusterFuzzLite and OSS-Fuzz,
# and puts beside each one its seed corpus and the SyncML dictionary.
# $SRC and $OUT come from the builder image; the sanitizer flags come from
# cargo fuzz, which the image sets up.
cd "$SRC/dmconform"

cargo fuzz build -O

release=fuzz/target/x86_64-unknown-linux-gnu/release
for target in $(cargo fuzz list); do
  cp "$release/$target" "$OUT/"
  cp fuzz/dict/syncml.dict "$OUT/$target.dict"
  if [ -d "corpus/fuzz/$target" ]; then
    (cd "corpus/fuzz/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  fi
done
