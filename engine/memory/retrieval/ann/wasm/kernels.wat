;; SIMD kernels of the ANN index (engine/memory/retrieval/ann). Hand-written WebAssembly text, assembled by
;; `node engine/memory/retrieval/ann/wasm/assemble.mjs` (wabt from npm) into kernels-bytes.ts. Every pointer is a
;; byte offset into the imported memory; every kernel has a plain-TypeScript twin in ../kernels.ts that
;; performs the same float32 operations in the same order, so both give bit-identical results.
(module
  (import "env" "mem" (memory 1))

  ;; <a, b> over d floats. Blocks of 16 go to four f32x4 accumulators (lane i of accumulator k sums
  ;; j = 16t + 4k + i), merged lane-wise as (acc0 + acc1) + (acc2 + acc3); then blocks of 4 into that
  ;; merged accumulator; then the lanes as (l0 + l1) + (l2 + l3); then the scalar tail in order.
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $d i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $e16 i32) (local $e4 i32) (local $e i32) (local $s f32)
    (local.set $e16 (i32.add (local.get $a) (i32.shl (i32.and (local.get $d) (i32.const -16)) (i32.const 2))))
    (local.set $e4 (i32.add (local.get $a) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2))))
    (local.set $e (i32.add (local.get $a) (i32.shl (local.get $d) (i32.const 2))))
    (block $b16 (loop $l16
      (br_if $b16 (i32.ge_u (local.get $a) (local.get $e16)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 64)))
      (local.set $b (i32.add (local.get $b) (i32.const 64)))
      (br $l16)))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (block $b4 (loop $l4
      (br_if $b4 (i32.ge_u (local.get $a) (local.get $e4)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $l4)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (block $bt (loop $lt
      (br_if $bt (i32.ge_u (local.get $a) (local.get $e)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $lt)))
    (local.get $s))

  ;; out[i] = <q, rows[i]> for n consecutive rows of d floats.
  (func (export "dot_rows") (param $q i32) (param $rows i32) (param $n i32) (param $d i32) (param $out i32)
    (local $i i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $d) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $out) (call $dot (local.get $q) (local.get $rows) (local.get $d)))
      (local.set $rows (i32.add (local.get $rows) (local.get $stride)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; out[i] = <q, base row idx[i]> for n i32 row numbers at idx.
  (func (export "dot_idx") (param $q i32) (param $base i32) (param $idx i32) (param $n i32) (param $d i32) (param $out i32)
    (local $i i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $d) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (local.get $out)
        (call $dot (local.get $q) (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride))) (local.get $d)))
      (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; Matrix-vector product over a panel-major matrix: column c of row j is at ((c >> 4) * d + j) * 16 + (c & 15)
  ;; (16-column panels, each d x 16 contiguous, so the walk is sequential).
  ;; out[c] = sum_j x[j] * mat[j][c] for c < kp, summed in j order from 0 (one float32 multiply and one add
  ;; per step). kp must be a multiple of 16; a panel is done in four f32x4 accumulators.
  (func $gemv (export "gemv_dm") (param $x i32) (param $mat i32) (param $d i32) (param $kp i32) (param $out i32)
    (local $cb i32) (local $p i32) (local $q i32) (local $xp i32) (local $xe i32) (local $xv v128) (local $panel i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $xe (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2))))
    (local.set $panel (i32.shl (local.get $d) (i32.const 6)))
    (local.set $p (local.get $mat))
    ;; two panels at a time (eight independent accumulators), then the last odd panel
    (block $done2 (loop $cols2
      (br_if $done2 (i32.gt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $kp)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $b0 (v128.const i32x4 0 0 0 0))
      (local.set $b1 (v128.const i32x4 0 0 0 0))
      (local.set $b2 (v128.const i32x4 0 0 0 0))
      (local.set $b3 (v128.const i32x4 0 0 0 0))
      (local.set $q (i32.add (local.get $p) (local.get $panel)))
      (local.set $xp (local.get $x))
      (block $jd2 (loop $j2
        (br_if $jd2 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (f32x4.splat (f32.load (local.get $xp))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $p)))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $xv) (v128.load (local.get $q)))))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $q)))))
        (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $q)))))
        (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $q)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br $j2)))
      (v128.store (local.get $out) (local.get $a0))
      (v128.store offset=16 (local.get $out) (local.get $a1))
      (v128.store offset=32 (local.get $out) (local.get $a2))
      (v128.store offset=48 (local.get $out) (local.get $a3))
      (v128.store offset=64 (local.get $out) (local.get $b0))
      (v128.store offset=80 (local.get $out) (local.get $b1))
      (v128.store offset=96 (local.get $out) (local.get $b2))
      (v128.store offset=112 (local.get $out) (local.get $b3))
      (local.set $out (i32.add (local.get $out) (i32.const 128)))
      (local.set $p (local.get $q))
      (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
      (br $cols2)))
    (block $done (loop $cols
      (br_if $done (i32.ge_u (local.get $cb) (local.get $kp)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $x))
      (block $jd (loop $j
        (br_if $jd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (f32x4.splat (f32.load (local.get $xp))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br $j)))
      (v128.store (local.get $out) (local.get $a0))
      (v128.store offset=16 (local.get $out) (local.get $a1))
      (v128.store offset=32 (local.get $out) (local.get $a2))
      (v128.store offset=48 (local.get $out) (local.get $a3))
      (local.set $out (i32.add (local.get $out) (i32.const 64)))
      (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
      (br $cols))))

  ;; `blocks` independent gemv_dm calls: block b reads x + b*d floats and mat + b*d*kp floats and writes
  ;; out + b*kp floats (the PQ lookup table: one block per sub-quantizer).
  (func (export "gemv_dm_multi") (param $x i32) (param $mat i32) (param $d i32) (param $kp i32) (param $blocks i32) (param $out i32)
    (local $b i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $b) (local.get $blocks)))
      (call $gemv (local.get $x) (local.get $mat) (local.get $d) (local.get $kp) (local.get $out))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $mat (i32.add (local.get $mat) (i32.shl (i32.mul (local.get $d) (local.get $kp)) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (i32.shl (local.get $kp) (i32.const 2))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $l))))

  ;; Index of the largest s[c] - h[c] over c < k (the first one on ties); that value goes to outScore.
  ;; Four lanes keep their own first maximum (lane i sees c = 4t + i); the lanes are merged by value, then
  ;; by smaller index, and the tail c >= k & ~3 is scanned in order: the same answer as one ordered scan.
  (func $argmax (export "argmax_sub") (param $s i32) (param $h i32) (param $k i32) (param $outScore i32) (result i32)
    (local $c i32) (local $e4 i32) (local $bi i32) (local $best f32) (local $v f32) (local $ti i32)
    (local $bv v128) (local $bx v128) (local $cx v128) (local $vv v128) (local $mask v128)
    (local.set $bv (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $bx (v128.const i32x4 0 1 2 3))
    (local.set $cx (v128.const i32x4 0 1 2 3))
    (local.set $e4 (i32.and (local.get $k) (i32.const -4)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $c) (local.get $e4)))
      (local.set $vv (f32x4.sub (v128.load (local.get $s)) (v128.load (local.get $h))))
      (local.set $mask (f32x4.gt (local.get $vv) (local.get $bv)))
      (local.set $bv (v128.bitselect (local.get $vv) (local.get $bv) (local.get $mask)))
      (local.set $bx (v128.bitselect (local.get $cx) (local.get $bx) (local.get $mask)))
      (local.set $cx (i32x4.add (local.get $cx) (v128.const i32x4 4 4 4 4)))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (local.set $h (i32.add (local.get $h) (i32.const 16)))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $l4)))
    (local.set $best (f32x4.extract_lane 0 (local.get $bv)))
    (local.set $bi (i32x4.extract_lane 0 (local.get $bx)))
    (local.set $v (f32x4.extract_lane 1 (local.get $bv)))
    (local.set $ti (i32x4.extract_lane 1 (local.get $bx)))
    (if (i32.or (f32.gt (local.get $v) (local.get $best)) (i32.and (f32.eq (local.get $v) (local.get $best)) (i32.lt_u (local.get $ti) (local.get $bi))))
      (then (local.set $best (local.get $v)) (local.set $bi (local.get $ti))))
    (local.set $v (f32x4.extract_lane 2 (local.get $bv)))
    (local.set $ti (i32x4.extract_lane 2 (local.get $bx)))
    (if (i32.or (f32.gt (local.get $v) (local.get $best)) (i32.and (f32.eq (local.get $v) (local.get $best)) (i32.lt_u (local.get $ti) (local.get $bi))))
      (then (local.set $best (local.get $v)) (local.set $bi (local.get $ti))))
    (local.set $v (f32x4.extract_lane 3 (local.get $bv)))
    (local.set $ti (i32x4.extract_lane 3 (local.get $bx)))
    (if (i32.or (f32.gt (local.get $v) (local.get $best)) (i32.and (f32.eq (local.get $v) (local.get $best)) (i32.lt_u (local.get $ti) (local.get $bi))))
      (then (local.set $best (local.get $v)) (local.set $bi (local.get $ti))))
    ;; no lane ever improved (k < 4, or every value -inf or NaN): the ordered scan answers 0
    (if (f32.eq (local.get $best) (f32.const -inf)) (then (local.set $bi (i32.const 0))))
    (block $dt (loop $lt
      (br_if $dt (i32.ge_u (local.get $c) (local.get $k)))
      (local.set $v (f32.sub (f32.load (local.get $s)) (f32.load (local.get $h))))
      (if (f32.gt (local.get $v) (local.get $best)) (then
        (local.set $best (local.get $v))
        (local.set $bi (local.get $c))))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (local.set $h (i32.add (local.get $h) (i32.const 4)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $lt)))
    (f32.store (local.get $outScore) (local.get $best))
    (local.get $bi))

  ;; Nearest centroid of each of n points (rows of d floats at x): gemv_dm over the panel-major centroid
  ;; matrix mat (d x kp), then argmax_sub against half over c < k. scratch holds kp floats.
  (func (export "assign_batch") (param $x i32) (param $n i32) (param $d i32) (param $mat i32) (param $half i32) (param $k i32) (param $kp i32) (param $scratch i32) (param $outIdx i32) (param $outScore i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (call $gemv (local.get $x) (local.get $mat) (local.get $d) (local.get $kp) (local.get $scratch))
      (i32.store (local.get $outIdx) (call $argmax (local.get $scratch) (local.get $half) (local.get $k) (local.get $outScore)))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $outIdx (i32.add (local.get $outIdx) (i32.const 4)))
      (local.set $outScore (i32.add (local.get $outScore) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; PQ encoding of r (m sub-vectors of dsub floats) against dimension-major codebooks mat (per
  ;; sub-quantizer dsub x 256) and half norms half (m x 256): codes[q] = argmax <r_q, c> - |c|^2/2.
  ;; scratch holds 257 floats. Returns the squared reconstruction error, sum over q of
  ;; max(0, |r_q|^2 - 2 * best_q) with |r_q|^2 summed in order.
  (func (export "pq_encode") (param $r i32) (param $mat i32) (param $half i32) (param $dsub i32) (param $m i32) (param $scratch i32) (param $codes i32) (result f32)
    (local $q i32) (local $bi i32) (local $err f32) (local $rn f32) (local $e f32) (local $rp i32) (local $re i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $q) (local.get $m)))
      (call $gemv (local.get $r) (local.get $mat) (local.get $dsub) (i32.const 256) (local.get $scratch))
      (local.set $bi (call $argmax (local.get $scratch) (local.get $half) (i32.const 256) (i32.add (local.get $scratch) (i32.const 1024))))
      (i32.store8 (local.get $codes) (local.get $bi))
      (local.set $rn (f32.const 0))
      (local.set $rp (local.get $r))
      (local.set $re (i32.add (local.get $r) (i32.shl (local.get $dsub) (i32.const 2))))
      (block $nd (loop $nl
        (br_if $nd (i32.ge_u (local.get $rp) (local.get $re)))
        (local.set $rn (f32.add (local.get $rn) (f32.mul (f32.load (local.get $rp)) (f32.load (local.get $rp)))))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (br $nl)))
      (local.set $e (f32.sub (local.get $rn) (f32.mul (f32.const 2) (f32.load offset=1024 (local.get $scratch)))))
      (if (f32.gt (local.get $e) (f32.const 0)) (then (local.set $err (f32.add (local.get $err) (local.get $e)))))
      (local.set $r (local.get $re))
      (local.set $mat (i32.add (local.get $mat) (i32.shl (local.get $dsub) (i32.const 10))))
      (local.set $half (i32.add (local.get $half) (i32.const 1024)))
      (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (local.get $err))

  ;; Float lookup table (m x 256) -> u16 table: per sub-quantizer j, lut16 = trunc((v - min_j) * inv + 0.5)
  ;; capped at 65535, inv = 65535 / maxRange, maxRange the largest max_j - min_j. Minima and maxima use
  ;; pmin/pmax (b < a ? b : a), four lanes (lane i sees entries 4t + i in order) reduced as
  ;; p(p(l0, l1), p(l2, l3)). meta[0] = sum of min_j (j order), meta[1] = maxRange / 65535, meta[2 + j] = min_j:
  ;; a code's score is meta[0] + meta[1] * (sum of its u16 entries), within m/2 steps of the float sum.
  (func (export "lut_quantize") (param $lut i32) (param $m i32) (param $out i32) (param $meta i32)
    (local $j i32) (local $p i32) (local $e i32) (local $mn v128) (local $mx v128) (local $mnf f32) (local $mxf f32)
    (local $maxr f32) (local $bias f32) (local $inv f32) (local $sub v128) (local $mul v128) (local $o i32) (local $t f32)
    (local.set $p (local.get $lut))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $j) (local.get $m)))
      (local.set $mn (v128.load (local.get $p)))
      (local.set $mx (local.get $mn))
      (local.set $e (i32.add (local.get $p) (i32.const 1024)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $mn (f32x4.pmin (local.get $mn) (v128.load (local.get $p))))
        (local.set $mx (f32x4.pmax (local.get $mx) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l2)))
      ;; scalar pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a
      (local.set $mnf (select (f32x4.extract_lane 1 (local.get $mn)) (f32x4.extract_lane 0 (local.get $mn))
        (f32.lt (f32x4.extract_lane 1 (local.get $mn)) (f32x4.extract_lane 0 (local.get $mn)))))
      (local.set $t (select (f32x4.extract_lane 3 (local.get $mn)) (f32x4.extract_lane 2 (local.get $mn))
        (f32.lt (f32x4.extract_lane 3 (local.get $mn)) (f32x4.extract_lane 2 (local.get $mn)))))
      (local.set $mnf (select (local.get $t) (local.get $mnf) (f32.lt (local.get $t) (local.get $mnf))))
      (local.set $mxf (select (f32x4.extract_lane 1 (local.get $mx)) (f32x4.extract_lane 0 (local.get $mx))
        (f32.lt (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))))
      (local.set $t (select (f32x4.extract_lane 3 (local.get $mx)) (f32x4.extract_lane 2 (local.get $mx))
        (f32.lt (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
      (local.set $mxf (select (local.get $t) (local.get $mxf) (f32.lt (local.get $mxf) (local.get $t))))
      (f32.store offset=8 (i32.add (local.get $meta) (i32.shl (local.get $j) (i32.const 2))) (local.get $mnf))
      (local.set $t (f32.sub (local.get $mxf) (local.get $mnf)))
      (local.set $maxr (select (local.get $t) (local.get $maxr) (f32.lt (local.get $maxr) (local.get $t))))
      (local.set $bias (f32.add (local.get $bias) (local.get $mnf)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l1)))
    (if (f32.gt (local.get $maxr) (f32.const 0)) (then (local.set $inv (f32.div (f32.const 65535) (local.get $maxr)))))
    (f32.store (local.get $meta) (local.get $bias))
    (f32.store offset=4 (local.get $meta) (f32.div (local.get $maxr) (f32.const 65535)))
    (local.set $mul (f32x4.splat (local.get $inv)))
    (local.set $j (i32.const 0))
    (local.set $p (local.get $lut))
    (local.set $o (local.get $out))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $j) (local.get $m)))
      (local.set $sub (f32x4.splat (f32.load offset=8 (i32.add (local.get $meta) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $e (i32.add (local.get $p) (i32.const 1024)))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_u (local.get $p) (local.get $e)))
        (v128.store (local.get $o)
          (i16x8.narrow_i32x4_u
            (i32x4.trunc_sat_f32x4_s (f32x4.pmin (f32x4.add (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $sub)) (local.get $mul)) (v128.const f32x4 0.5 0.5 0.5 0.5)) (v128.const f32x4 65535 65535 65535 65535)))
            (i32x4.trunc_sat_f32x4_s (f32x4.pmin (f32x4.add (f32x4.mul (f32x4.sub (v128.load offset=16 (local.get $p)) (local.get $sub)) (local.get $mul)) (v128.const f32x4 0.5 0.5 0.5 0.5)) (v128.const f32x4 65535 65535 65535 65535)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $l4)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l3))))

  ;; ADC over n codes of m bytes with the u16 table lut (m x 256): out[p] = sum_j lut[j][code_p[j]] (u32).
  (func (export "adc_u16") (param $lut i32) (param $codes i32) (param $n i32) (param $m i32) (param $out i32)
    (local $i i32) (local $s i32) (local $lj i32) (local $w i32) (local $ce i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.const 0))
      (local.set $lj (local.get $lut))
      (local.set $ce (i32.add (local.get $codes) (local.get $m)))
      (if (i32.eqz (i32.and (local.get $m) (i32.const 3)))
        (then
          (block $d4 (loop $l4
            (br_if $d4 (i32.ge_u (local.get $codes) (local.get $ce)))
            (local.set $w (i32.load (local.get $codes)))
            (local.set $s (i32.add (local.get $s) (i32.add
              (i32.add
                (i32.load16_u (i32.add (local.get $lj) (i32.and (i32.shl (local.get $w) (i32.const 1)) (i32.const 510))))
                (i32.load16_u offset=512 (i32.add (local.get $lj) (i32.and (i32.shr_u (local.get $w) (i32.const 7)) (i32.const 510)))))
              (i32.add
                (i32.load16_u offset=1024 (i32.add (local.get $lj) (i32.and (i32.shr_u (local.get $w) (i32.const 15)) (i32.const 510))))
                (i32.load16_u offset=1536 (i32.add (local.get $lj) (i32.and (i32.shr_u (local.get $w) (i32.const 23)) (i32.const 510))))))))
            (local.set $lj (i32.add (local.get $lj) (i32.const 2048)))
            (local.set $codes (i32.add (local.get $codes) (i32.const 4)))
            (br $l4))))
        (else
          (block $d1 (loop $l1
            (br_if $d1 (i32.ge_u (local.get $codes) (local.get $ce)))
            (local.set $s (i32.add (local.get $s)
              (i32.load16_u (i32.add (local.get $lj) (i32.shl (i32.load8_u (local.get $codes)) (i32.const 1))))))
            (local.set $lj (i32.add (local.get $lj) (i32.const 512)))
            (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
            (br $l1)))))
      (i32.store (local.get $out) (local.get $s))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
)
