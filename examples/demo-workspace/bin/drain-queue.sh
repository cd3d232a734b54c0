#!/bin/sh
# Processes up to --batch N pending jobs of the demo queue by moving them to queue/done/.
set -eu
cd "$(dirname "$0")/.."
batch=10
[ "${1:-}" = "--batch" ] && batch="${2:?--batch needs a number}"
mkdir -p queue/done
n=0
for job in $(ls queue/pending | head -n "$batch"); do
  mv "queue/pending/$job" queue/done/
  n=$((n + 1))
done
echo "drained $n job(s); $(ls queue/pending | wc -l) pending"
