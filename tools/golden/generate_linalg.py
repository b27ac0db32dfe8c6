#!/usr/bin/env python3
"""Generates the golden fixtures of the differentiable linear algebra (dev.tapegrad.Linalg).

Run with a Python that has PyTorch (the committed fixture came from torch 1.13.0a0, the system Python's):

    /usr/bin/python3 tools/golden/generate_linalg.py

It (re)writes engine/src/test/resources/golden/linalg_decomp.txt in the record format of
generate_golden.py (whose helpers it reuses), and GoldenTest reads it with the other families. Everything is
float64, drawn in a fixed order after torch.manual_seed(SEED); re-running with the same torch version
reproduces the file byte for byte.

An op with several outputs has one op name per output ("eigh.vectors", "svd.u", ...): each case checks one
output and the gradient of sum(output * c) through it alone, which is enough because the gradients of the
outputs add up. slogdet is checked as sign · log|det| (the sign is a constant).

Where the conventions differ, the torch side is normalised to tapegrad's before anything is recorded (the
normalisation multiplies by constant signs, so the gradients go through it):
  * qr: LAPACK leaves the signs of R's diagonal as the reflections produce them; tapegrad makes them
    non-negative (rows of R and columns of Q flipped together).
  * eigh: the sign of each eigenvector is LAPACK's choice; tapegrad makes the largest-magnitude component
    of each positive.
  * svd: likewise for each column of U, with the matching row of Vh flipped too.
  * cholesky and eigh read the lower triangle; the inputs here are symmetric, both libraries return
    symmetric gradients, and the torch side is applied to (A + Aᵀ)/2 (the same matrix) so that its
    derivatives are those of a function of a symmetric matrix, as tapegrad's are.
Inputs are well conditioned (diagonal shifts, separated spectra) so that the comparison can be tight.
"""

import os

import torch

from generate_golden import FAMILIES, OUT_DIR, ROOT, case

SEED = 20261208
FAMILY = "linalg_decomp"

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)


def randn(*shape):
    return torch.randn(shape)


def invertible(*shape):
    """randn + 3·I: well conditioned for the small sizes used here."""
    n = shape[-1]
    return torch.randn(shape) + 3.0 * torch.eye(n)


def spd(*shape):
    m = torch.randn(shape)
    return m @ m.transpose(-1, -2) + shape[-1] * torch.eye(shape[-1])


def symmetric(*shape):
    m = torch.randn(shape)
    return m + m.transpose(-1, -2)


def separated_singular(*shape):
    """randn + a "diagonal" with entries 3k, 3(k − 1), ..., 3: singular values kept apart and away from 0."""
    m, n = shape[-2], shape[-1]
    k = min(m, n)
    d = torch.zeros(m, n)
    for i in range(k):
        d[i, i] = 3.0 * (k - i)
    return torch.randn(shape) + d


def require_separated(values, what, gap=0.1):
    """Fails the generation if two eigen/singular values of one matrix are closer than gap."""
    v = torch.sort(values, dim=-1).values
    if v.shape[-1] > 1 and torch.min(v[..., 1:] - v[..., :-1]).item() < gap:
        raise AssertionError("near-repeated values in " + what)


def symmetric_part(a):
    """(A + Aᵀ)/2: the identity on the symmetric inputs used here, but it makes torch differentiate cholesky and
    eigh as functions of a symmetric matrix, which is what tapegrad's rules do (they symmetrise tangents and
    return symmetric gradients); torch's own rules would otherwise see the tangent's upper triangle."""
    return 0.5 * (a + a.transpose(-1, -2))


def largest_component_signs(m):
    """+1/−1 per column of m (batched): the sign of the column's largest-magnitude component (first on ties)."""
    idx = m.detach().abs().argmax(dim=-2, keepdim=True)
    return torch.sign(torch.gather(m.detach(), -2, idx))


def qr_normalised(a):
    q, r = torch.linalg.qr(a, mode="reduced")
    d = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1).detach())
    d = torch.where(d == 0, torch.ones_like(d), d)
    return q * d.unsqueeze(-2), r * d.unsqueeze(-1)


def eigh_normalised(a):
    values, vectors = torch.linalg.eigh(symmetric_part(a))
    return values, vectors * largest_component_signs(vectors)


def svd_normalised(a):
    u, s, vh = torch.linalg.svd(a, full_matrices=False)
    signs = largest_component_signs(u)
    return u * signs, s, vh * signs.transpose(-1, -2)


def solve_cases():
    case(FAMILY, "solve.3x3_3x2", "solve", torch.linalg.solve, {"a": invertible(3, 3), "b": randn(3, 2)})
    case(FAMILY, "solve.3x3_vector", "solve", torch.linalg.solve, {"a": invertible(3, 3), "b": randn(3)})
    case(FAMILY, "solve.2x3x3_broadcast_3x2", "solve", torch.linalg.solve, {"a": invertible(2, 3, 3), "b": randn(3, 2)})
    for upper, left, unit in [(False, True, False), (True, True, False), (True, False, False), (False, True, True),
                              (False, False, True)]:
        tag = "%s_%s%s" % ("upper" if upper else "lower", "left" if left else "right", "_unit" if unit else "")
        b = randn(4, 2) if left else randn(2, 4)
        case(FAMILY, "triangularSolve.4x4_" + tag, "triangularSolve",
             lambda a, b, upper=upper, left=left, unit=unit:
             torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unit),
             {"a": invertible(4, 4), "b": b}, {"upper": upper, "left": left, "unit": unit})
    case(FAMILY, "inverse.4x4", "inverse", torch.linalg.inv, {"a": invertible(4, 4)})
    case(FAMILY, "inverse.2x3x3", "inverse", torch.linalg.inv, {"a": invertible(2, 3, 3)})


def determinant_cases():
    case(FAMILY, "det.4x4", "det", torch.linalg.det, {"a": invertible(4, 4)})
    case(FAMILY, "det.2x1x3x3", "det", torch.linalg.det, {"a": invertible(2, 1, 3, 3)})
    singular = randn(3, 3)
    singular[2] = singular[0] + 2 * singular[1]
    case(FAMILY, "det.singular_forward_only", "det", torch.linalg.det, {"a": singular}, diff=[])
    case(FAMILY, "logdet.4x4_spd", "logdet", torch.logdet, {"a": spd(4, 4)})
    case(FAMILY, "logdet.2x3x3", "logdet", torch.logdet, {"a": spd(2, 3, 3)})
    negative = invertible(3, 3)
    negative[0] = -negative[0]
    # (logdet of a negative determinant is NaN in both libraries; the record format has no NaN, so
    # LinalgForwardTest checks that case)
    # one op for both outputs: sign · log|det| checks the sign's value and the gradient of log|det|
    # (the sign is a constant), here for a negative and a positive determinant
    case(FAMILY, "slogdet.2x3x3", "slogdet", lambda a: torch.linalg.slogdet(a)[0] * torch.linalg.slogdet(a)[1],
         {"a": torch.stack([negative, invertible(3, 3)])})


def decomposition_cases():
    cholesky = lambda a: torch.linalg.cholesky(symmetric_part(a))
    case(FAMILY, "cholesky.4x4", "cholesky", cholesky, {"a": spd(4, 4)})
    case(FAMILY, "cholesky.2x3x3", "cholesky", cholesky, {"a": spd(2, 3, 3)})
    for tag, shape in [("5x3", (5, 3)), ("4x4", (4, 4)), ("2x4x2", (2, 4, 2))]:
        a = randn(*shape)
        case(FAMILY, "qr.q." + tag, "qr.q", lambda a: qr_normalised(a)[0], {"a": a})
        case(FAMILY, "qr.r." + tag, "qr.r", lambda a: qr_normalised(a)[1], {"a": a})
    for tag, shape in [("4x4", (4, 4)), ("2x3x3", (2, 3, 3))]:
        a = symmetric(*shape)
        require_separated(torch.linalg.eigvalsh(a), "eigh " + tag)
        case(FAMILY, "eigh.values." + tag, "eigh.values", lambda a: eigh_normalised(a)[0], {"a": a})
        case(FAMILY, "eigh.vectors." + tag, "eigh.vectors", lambda a: eigh_normalised(a)[1], {"a": a})
    for tag, shape in [("4x3", (4, 3)), ("3x5", (3, 5)), ("3x3", (3, 3)), ("2x3x2", (2, 3, 2))]:
        a = separated_singular(*shape)
        s = torch.linalg.svdvals(a)
        require_separated(s, "svd " + tag)
        if s.min().item() < 0.1:
            raise AssertionError("near-zero singular value in svd " + tag)
        case(FAMILY, "svd.u." + tag, "svd.u", lambda a: svd_normalised(a)[0], {"a": a})
        case(FAMILY, "svd.s." + tag, "svd.s", lambda a: svd_normalised(a)[1], {"a": a})
        case(FAMILY, "svd.vh." + tag, "svd.vh", lambda a: svd_normalised(a)[2], {"a": a})


def main():
    FAMILIES.clear()
    for make in (solve_cases, determinant_cases, decomposition_cases):
        make()
    records = FAMILIES[FAMILY]
    path = os.path.join(OUT_DIR, FAMILY + ".txt")
    with open(path, "w") as f:
        f.write("# Golden values for tapegrad, family '%s': %d cases.\n" % (FAMILY, len(records)))
        f.write("# Generated by tools/golden/generate_linalg.py with torch %s, seed %d, float64.\n"
                % (torch.__version__, SEED))
        f.write("# Do not edit by hand; re-run the generator.\n\n")
        f.write("\n\n".join(records) + "\n")
    print("%-45s %3d cases %7d bytes" % (os.path.relpath(path, ROOT), len(records), os.path.getsize(path)))


if __name__ == "__main__":
    main()
