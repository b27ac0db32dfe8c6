// GENERATED from GemmFloat.java by TwinTemplateTest (engine tests). Do not edit.
package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Double matrix multiply kernels: C = A·B (+ C), every operand addressed by (offset, row stride, column
 * stride), so transposed and sliced operands need no copies.
 *
 * <p>The double version, GemmDouble.java, is generated from this file by replacing the element type
 * ({@code TwinTemplateTest} in the tests regenerates it and checks that the two stay in step). Edit this file
 * only, then regenerate.
 *
 * <p><b>Paths.</b> Matrix-vector products (m = 1 or n = 1) use dot products or column updates
 * ({@link #gemv}). Skinny products with few output columns and contiguous rows of A (n = 10 output heads)
 * use register-blocked dot products ({@link #dots}). Everything else goes through the register-tiled kernel
 * ({@link #block}), computing Cᵀ = BᵀAᵀ instead when that wastes less of the MR×NR tiles on padding.
 *
 * <p><b>Blocking</b> (Goto/BLIS order; sizes for a core with 48 KiB L1d and 2 MiB L2, floats):
 * <pre>
 * for jc in steps of NC (columns of C and B)            B block  KC×NC      → L2/L3 (2 MiB at most)
 *   for pc in steps of KC (the shared dimension)        pack B block into NR-wide micro-panels
 *     for ic in steps of MC (rows of C and A)           A block  MC×KC      → L2 (128 KiB)
 *       pack A block into MR-tall micro-panels
 *       for jr in steps of NR                           B micro-panel KC×NR → L1 (32 KiB)
 *         for ir in steps of MR                         A micro-panel MR×KC streams from L2 (8 KiB)
 *           tile: C[ir..+MR][jr..+NR] += A panel · B panel, 16 vector accumulators in registers
 * </pre>
 * Each tile does MR·NR/L = 16 fused multiply-adds per step of p for 2 vector loads and 8 broadcasts, so it
 * is bound by the FMA units, not by loads. Packing makes both panels contiguous (one stream each, no TLB or
 * cache-set conflicts, zero padding at the edges, any transpose layout read once) and costs O(mk + kn)
 * copies against O(mnk) multiply-adds.
 *
 * <p><b>Threads.</b> The output is split into disjoint row or column stripes, one per thread of
 * {@link ParallelPool}; every element of C is computed by one thread, with the same k-order and the same
 * path whatever the split, so results do not depend on the number of threads.
 */
final class GemmDouble {
    private GemmDouble() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rows of C in one register tile. */
    static final int MR = 8;
    /** Columns of C in one register tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed panel: a KC×NR micro-panel of B (32 KiB for floats) stays in L1. */
    static final int KC = 256;
    /** Rows of a packed block of A: MC×KC (128 KiB for floats) stays in L2. */
    static final int MC = 128;
    /** Columns of a packed block of B: KC×NC (2 MiB for floats) is read from L2/L3. */
    static final int NC = 64 * NR;
    /** Skinny products with at most this many columns (and A's rows contiguous) use {@link #dots}. */
    static final int DOTS_MAX_N = L;
    /** Products with fewer multiply-adds (m·n·k) than this run on the calling thread (the pool's threshold). */
    static final long PARALLEL_MIN = ParallelPool.MIN_PARALLEL_WORK;

    /** Offsets of L consecutive p of one row in a packed A panel: j·MR. */
    private static final int[] PANEL_COLUMN = java.util.stream.IntStream.range(0, L).map(j -> j * MR).toArray();

    /** Per-thread packing buffers (packed A, packed B, tile accumulators, a vector), grown on demand. */
    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[4][0]);

    private static double[] buffer(int which, int size) {
        double[][] b = BUFFERS.get();
        if (b[which].length < size) b[which] = new double[size];
        return b[which];
    }

    /**
     * C[i][j] = Σ_{p<k} A[i][p]·B[p][j] (+ C[i][j] when {@code accumulate}) with A[i][p] at
     * {@code a[aOff + i*aRow + p*aCol]}, B[p][j] at {@code b[bOff + p*bRow + j*bCol]} and C[i][j] at
     * {@code c[cOff + i*cRow + j*cCol]}, using at most {@code maxThreads} threads of {@link ParallelPool}.
     */
    static void gemm(int m, int n, int k, double[] a, int aOff, int aRow, int aCol,
                     double[] b, int bOff, int bRow, int bCol, double[] c, int cOff, int cRow, int cCol,
                     boolean accumulate, int maxThreads) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * cRow + j * cCol] = 0.0;
            return;
        }
        if (n == 1) {
            gemv(m, k, a, aOff, aRow, aCol, b, bOff, bRow, c, cOff, cRow, accumulate, maxThreads);
        } else if (m == 1) {   // the row of C is Bᵀ times the row of A
            gemv(n, k, b, bOff, bCol, bRow, a, aOff, aCol, c, cOff, cCol, accumulate, maxThreads);
        } else if (n <= DOTS_MAX_N && aCol == 1 && k >= L) {
            dots(m, n, k, a, aOff, aRow, b, bOff, bRow, bCol, c, cOff, cRow, cCol, accumulate, maxThreads);
        } else if (m <= DOTS_MAX_N && bRow == 1 && k >= L) {   // the same on Cᵀ = BᵀAᵀ
            dots(n, m, k, b, bOff, bCol, a, aOff, aCol, aRow, c, cOff, cCol, cRow, accumulate, maxThreads);
        } else if ((long) roundUp(n, MR) * roundUp(m, NR) < (long) roundUp(m, MR) * roundUp(n, NR)) {
            packed(n, m, k, b, bOff, bCol, bRow, a, aOff, aCol, aRow, c, cOff, cCol, cRow, accumulate, maxThreads);
        } else {
            packed(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, cCol, accumulate, maxThreads);
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** How many threads a product of m·n·k multiply-adds with {@code units} splittable stripes uses. */
    private static int parts(long work, int units, int maxThreads) {
        return work < PARALLEL_MIN ? 1 : Math.max(1, Math.min(Math.min(maxThreads, ParallelPool.threads()), units));
    }

    // ---------------------------------------------------------------- packed, register-tiled kernel

    /** The packed kernel over the whole of C, split into stripes of whole tiles along its longer tile axis. */
    private static void packed(int m, int n, int k, double[] a, int aOff, int aRow, int aCol,
                               double[] b, int bOff, int bRow, int bCol, double[] c, int cOff, int cRow, int cCol,
                               boolean accumulate, int maxThreads) {
        int mTiles = (m + MR - 1) / MR, nTiles = (n + NR - 1) / NR;
        boolean byRows = mTiles >= nTiles;
        int units = byRows ? mTiles : nTiles, parts = parts((long) m * n * k, units, maxThreads);
        if (parts == 1) {
            block(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, cCol, accumulate);
            return;
        }
        ParallelPool.forEach(parts, part -> {
            int u0 = (int) ((long) units * part / parts), u1 = (int) ((long) units * (part + 1) / parts);
            if (byRows) {
                int i0 = u0 * MR, rows = Math.min(m, u1 * MR) - i0;
                block(rows, n, k, a, aOff + i0 * aRow, aRow, aCol, b, bOff, bRow, bCol, c, cOff + i0 * cRow, cRow, cCol, accumulate);
            } else {
                int j0 = u0 * NR, cols = Math.min(n, u1 * NR) - j0;
                block(m, cols, k, a, aOff, aRow, aCol, b, bOff + j0 * bCol, bRow, bCol, c, cOff + j0 * cCol, cRow, cCol, accumulate);
            }
        });
    }

    /**
     * C = A·B (+ C) on the calling thread, Goto-style: for each NC-wide column block and KC-deep slice, B is
     * packed into NR-wide micro-panels; for each MC-tall row block A is packed into MR-tall micro-panels;
     * then every MR×NR tile of C is computed by {@link #tile} with fused multiply-adds. Each element's sum
     * runs over the KC slices in order, each slice in p order, wherever the element lies in its tile.
     */
    private static void block(int m, int n, int k, double[] a, int aOff, int aRow, int aCol,
                              double[] b, int bOff, int bRow, int bCol, double[] c, int cOff, int cRow, int cCol, boolean accumulate) {
        int kcMax = Math.min(k, KC);
        double[] ap = buffer(0, kcMax * Math.min(roundUp(m, MR), MC));
        double[] bp = buffer(1, kcMax * Math.min(roundUp(n, NR), NC));
        double[] acc = buffer(2, MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                packB(b, bOff + pc * bRow + jc * bCol, bRow, bCol, kc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, aOff + ic * aRow + pc * aCol, aRow, aCol, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            tile(ap, ir * kc, bp, jr * kc, kc, acc);
                            writeTile(acc, c, cOff + (ic + ir) * cRow + (jc + jr) * cCol, cRow, cCol,
                                    Math.min(MR, mc - ir), Math.min(NR, nc - jr), add);
                        }
                    }
                }
            }
        }
    }

    /** Packs an mc×kc block of A as MR-row micro-panels: (r, p) of panel ir goes to ap[ir*kc + p*MR + r]; missing rows are 0. */
    private static void packA(double[] a, int at, int aRow, int aCol, int mc, int kc, double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir), dst = ir * kc;
            for (int r = 0; r < MR; r++) {   // one row of A at a time, read along p
                int src = at + (ir + r) * aRow, d = dst + r, p = 0;
                if (r >= rows) {
                    for (; p < kc; p++) ap[d + p * MR] = 0.0;
                    continue;
                }
                if (aCol == 1) {   // L consecutive elements of the row, scattered MR apart
                    for (; p <= kc - L; p += L) DoubleVector.fromArray(S, a, src + p).intoArray(ap, d + p * MR, PANEL_COLUMN, 0);
                }
                for (; p < kc; p++) ap[d + p * MR] = a[src + p * aCol];
            }
        }
    }

    /** Packs a kc×nc block of B as NR-column micro-panels: (p, j) of panel jr goes to bp[jr*kc + p*NR + j]; missing columns are 0. */
    private static void packB(double[] b, int at, int bRow, int bCol, int kc, int nc, double[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr), dst = jr * kc;
            for (int p = 0; p < kc; p++, dst += NR) {
                int src = at + p * bRow + jr * bCol;
                if (bCol == 1 && cols == NR) {   // a whole row of the panel: two vector copies
                    DoubleVector.fromArray(S, b, src).intoArray(bp, dst);
                    DoubleVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    continue;
                } else if (bCol == 1) {
                    System.arraycopy(b, src, bp, dst, cols);
                } else {
                    for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j * bCol];
                }
                for (int j = cols; j < NR; j++) bp[dst + j] = 0.0;
            }
        }
    }

    /**
     * One MR×NR tile from packed panels: acc[r][j] = Σ_p ap[p][r]·bp[p][j], accumulated in 16 vector
     * registers with fused multiply-adds, then stored to {@code acc}. (Keeping C's update in a separate small
     * method keeps this one within the JIT's inlining budget, so every vector stays in a register.)
     */
    private static void tile(double[] ap, int ai, double[] bp, int bi, int kc, double[] acc) {
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int ia = ai + p * MR, ib = bi + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, ib), b1 = DoubleVector.fromArray(S, bp, ib + L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ia]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, ap[ia + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, ap[ia + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, ap[ia + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, ap[ia + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, ap[ia + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = DoubleVector.broadcast(S, ap[ia + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = DoubleVector.broadcast(S, ap[ia + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(acc, 0); c01.intoArray(acc, L);
        c10.intoArray(acc, NR); c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR); c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR); c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR); c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR); c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR); c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR); c71.intoArray(acc, 7 * NR + L);
    }

    /** C[r][j] = acc[r][j] (+ C[r][j] when {@code add}) for the mr×nr corner of an MR×NR tile. */
    private static void writeTile(double[] acc, double[] c, int ci, int cRow, int cCol, int mr, int nr, boolean add) {
        if (cCol != 1) {
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < nr; j++) {
                    int at = ci + r * cRow + j * cCol;
                    c[at] = add ? acc[r * NR + j] + c[at] : acc[r * NR + j];
                }
            }
            return;
        }
        if (nr == NR) {   // full-width rows: unmasked vectors
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < NR; j += L) {
                    int at = ci + r * cRow + j;
                    DoubleVector v = DoubleVector.fromArray(S, acc, r * NR + j);
                    if (add) v = v.add(DoubleVector.fromArray(S, c, at));
                    v.intoArray(c, at);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j += L) {
                VectorMask<Double> m = S.indexInRange(j, nr);
                int at = ci + r * cRow + j;
                DoubleVector v = DoubleVector.fromArray(S, acc, r * NR + j, m);
                if (add) v = v.add(DoubleVector.fromArray(S, c, at, m));
                v.intoArray(c, at, m);
            }
        }
    }

    // ---------------------------------------------------------------- skinny: blocked dot products

    /** Rows and columns of C in one block of {@link #dotBlock}. */
    private static final int DR = 4, DC = 2;

    /**
     * C[i][j] = Σ_{p<k} A[i][p]·B[p][j] (+ C[i][j] when {@code accumulate}) for A with contiguous rows
     * (A[i][p] at {@code a[aOff + i*aRow + p]}) and few columns n: every element is the dot product of a row
     * of A with a column of B. The columns of B are first copied to contiguous rows of Bᵀ (n·k elements,
     * small next to the m·n·k multiply-adds) unless they are contiguous already. Split over row stripes.
     */
    private static void dots(int m, int n, int k, double[] a, int aOff, int aRow, double[] b, int bOff, int bRow, int bCol,
                             double[] c, int cOff, int cRow, int cCol, boolean accumulate, int maxThreads) {
        double[] bt = b;
        int btOff = bOff, btRow = bCol;   // column j of B is row j of Bᵀ, at bt[btOff + j*btRow + p]
        if (bRow != 1) {
            bt = buffer(1, n * k);   // the caller's packing buffer; the workers only read it
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bt[j * k + p] = b[bOff + p * bRow + j * bCol];
            btOff = 0;
            btRow = k;
        }
        double[] bs = bt;
        int bo = btOff, bj = btRow, units = (m + DR - 1) / DR, parts = parts((long) m * n * k, units, maxThreads);
        ParallelPool.forEach(parts, part -> {
            int i1 = Math.min(m, (int) ((long) units * (part + 1) / parts) * DR);
            for (int i = (int) ((long) units * part / parts) * DR; i < i1; i += DR) {
                for (int j = 0; j < n; j += DC) {
                    dotBlock(i, Math.min(DR, i1 - i), j, Math.min(DC, n - j), k, a, aOff, aRow, bs, bo, bj,
                            c, cOff, cRow, cCol, accumulate);
                }
            }
        });
    }

    /**
     * The DR×DC block of {@link #dots} at (i, j) with its rs×cs corner inside C: missing rows and columns
     * repeat the last one (computed, not written). Lane sums of vector accumulators, then the masked tail.
     */
    private static void dotBlock(int i, int rs, int j, int cs, int k, double[] a, int aOff, int aRow,
                                 double[] bt, int bOff, int bRow, double[] c, int cOff, int cRow, int cCol, boolean accumulate) {
        int a0 = aOff + i * aRow, a1 = a0 + Math.min(1, rs - 1) * aRow, a2 = a0 + Math.min(2, rs - 1) * aRow,
                a3 = a0 + Math.min(3, rs - 1) * aRow;
        int b0 = bOff + j * bRow, b1 = b0 + Math.min(1, cs - 1) * bRow;
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (int p = 0; p < k; p += L) {
            VectorMask<Double> in = S.indexInRange(p, k);
            DoubleVector y0 = DoubleVector.fromArray(S, bt, b0 + p, in), y1 = DoubleVector.fromArray(S, bt, b1 + p, in);
            DoubleVector x = DoubleVector.fromArray(S, a, a0 + p, in);
            s00 = x.fma(y0, s00); s01 = x.fma(y1, s01);
            x = DoubleVector.fromArray(S, a, a1 + p, in);
            s10 = x.fma(y0, s10); s11 = x.fma(y1, s11);
            x = DoubleVector.fromArray(S, a, a2 + p, in);
            s20 = x.fma(y0, s20); s21 = x.fma(y1, s21);
            x = DoubleVector.fromArray(S, a, a3 + p, in);
            s30 = x.fma(y0, s30); s31 = x.fma(y1, s31);
        }
        int ci = cOff + i * cRow + j * cCol, c1 = ci + cCol;
        dotPut(s00, c, ci, accumulate);
        if (cs > 1) dotPut(s01, c, c1, accumulate);
        if (rs > 1) {
            dotPut(s10, c, ci + cRow, accumulate);
            if (cs > 1) dotPut(s11, c, c1 + cRow, accumulate);
        }
        if (rs > 2) {
            dotPut(s20, c, ci + 2 * cRow, accumulate);
            if (cs > 1) dotPut(s21, c, c1 + 2 * cRow, accumulate);
        }
        if (rs > 3) {
            dotPut(s30, c, ci + 3 * cRow, accumulate);
            if (cs > 1) dotPut(s31, c, c1 + 3 * cRow, accumulate);
        }
    }

    /** c[at] = the sum of the lanes of s (+ c[at] when {@code add}). */
    private static void dotPut(DoubleVector s, double[] c, int at, boolean add) {
        double v = LaneOrder.sum(s);
        c[at] = add ? v + c[at] : v;
    }

    // ---------------------------------------------------------------- matrix-vector

    /**
     * y[i] = Σ_{p<k} A[i][p]·x[p] (+ y[i] when {@code accumulate}) for i &lt; m, with x[p] at
     * {@code x[xOff + p*xStride]} and y[i] at {@code y[yOff + i*yStride]}; split over rows.
     */
    private static void gemv(int m, int k, double[] a, int aOff, int aRow, int aCol, double[] x, int xOff, int xStride,
                             double[] y, int yOff, int yStride, boolean accumulate, int maxThreads) {
        double[] xs = x;
        int xo = xOff;
        if (xStride != 1) {
            xs = new double[k];
            for (int p = 0; p < k; p++) xs[p] = x[xOff + p * xStride];
            xo = 0;
        }
        double[] xc = xs;
        int xi = xo, units = (m + L - 1) / L, parts = parts((long) m * k, units, maxThreads);
        ParallelPool.forEach(parts, part -> {
            int i0 = (int) ((long) units * part / parts) * L, i1 = Math.min(m, (int) ((long) units * (part + 1) / parts) * L);
            gemvRows(i0, i1, k, a, aOff, aRow, aCol, xc, xi, y, yOff, yStride, accumulate);
        });
    }

    /** Rows i0..i1 of {@link #gemv} with a contiguous x: dot products when A's rows are contiguous, else column updates. */
    private static void gemvRows(int i0, int i1, int k, double[] a, int aOff, int aRow, int aCol, double[] x, int xi,
                                 double[] y, int yOff, int yStride, boolean accumulate) {
        if (aCol == 1) {
            for (int i = i0; i < i1; i++) {
                double s = dot(a, aOff + i * aRow, x, xi, k);
                int at = yOff + i * yStride;
                y[at] = accumulate ? s + y[at] : s;
            }
            return;
        }
        // t[i] = Σ_p A[i][p]·x[p] one column of A at a time, each element a chain of fmas in p order
        int rows = i1 - i0;
        double[] t = buffer(3, rows);
        java.util.Arrays.fill(t, 0, rows, 0.0);
        for (int p = 0; p < k; p++) {
            int col = aOff + i0 * aRow + p * aCol;
            double xp = x[xi + p];
            int r = 0;
            if (aRow == 1) {
                DoubleVector xv = DoubleVector.broadcast(S, xp);
                for (; r <= rows - L; r += L) {
                    DoubleVector.fromArray(S, a, col + r).fma(xv, DoubleVector.fromArray(S, t, r)).intoArray(t, r);
                }
            }
            for (; r < rows; r++) t[r] = Math.fma(a[col + r * aRow], xp, t[r]);
        }
        for (int r = 0; r < rows; r++) {
            int at = yOff + (i0 + r) * yStride;
            y[at] = accumulate ? t[r] + y[at] : t[r];
        }
    }

    /** Σ_{p<k} a[ai+p]·x[xi+p]: four vector accumulators, combined pairwise, then the scalar tail. */
    private static double dot(double[] a, int ai, double[] x, int xi, int k) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p <= k - 4 * L; p += 4 * L) {
            s0 = DoubleVector.fromArray(S, a, ai + p).fma(DoubleVector.fromArray(S, x, xi + p), s0);
            s1 = DoubleVector.fromArray(S, a, ai + p + L).fma(DoubleVector.fromArray(S, x, xi + p + L), s1);
            s2 = DoubleVector.fromArray(S, a, ai + p + 2 * L).fma(DoubleVector.fromArray(S, x, xi + p + 2 * L), s2);
            s3 = DoubleVector.fromArray(S, a, ai + p + 3 * L).fma(DoubleVector.fromArray(S, x, xi + p + 3 * L), s3);
        }
        for (; p <= k - L; p += L) s0 = DoubleVector.fromArray(S, a, ai + p).fma(DoubleVector.fromArray(S, x, xi + p), s0);
        double s = LaneOrder.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) s = Math.fma(a[ai + p], x[xi + p], s);
        return s;
    }
}
