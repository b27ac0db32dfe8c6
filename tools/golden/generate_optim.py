#!/usr/bin/env python3
"""Generates the golden optimizer trajectories that OptimizerGoldenTest compares tapegrad's optim against.

Run with the system Python, which has PyTorch (the committed fixtures came from torch 1.13.0a0):

    /usr/bin/python3 tools/golden/generate_optim.py            # validate, check sensitivity, write
    /usr/bin/python3 tools/golden/generate_optim.py --check    # validate and check only, write nothing

Sources of truth:
  torch.txt   torch.optim 1.13 itself (sgd adam adamw adagrad rmsprop adamax radam), single-tensor
              (for-loop) implementations; nadam from optim_reference.NAdam, torch 2.x's formula (1.13
              multiplies mu into the momentum product twice, a bug fixed in 2.0; the validation runs used 2.13);
  papers.txt  optim_reference.py re-implementations of the seed-paper optimizers (adabound adamp sgdp
              adabelief spam dadaptsgd dadaptadam adagradnorm);
  optax.txt   optim_reference.py re-implementations of optax's lion, lamb and lars.
Before writing anything the script
  1. re-runs every validation case (APPENDIX below: trajectories recorded by running the real reference
     code, torch 2.13, the authors' repositories and optax 0.2.8) and demands agreement to 1e-12 at every
     listed step (a mismatch aborts with a table of the differences);
  2. re-runs every fixture run with each gradient perturbed by a relative 1e-13 and aborts if any run
     amplifies that by more than the test tolerance allows (a trajectory that sensitive to rounding could
     not be compared at rtol 1e-9 across two implementations that round differently).

Problems (float64; the Java test builds the same losses with tapegrad ops):
  rosenbrock  (1-x0)^2 + 100 (x1-x0^2)^2                from (-1.5, 2)
  quadratic   (x0^2 + 100 x1^2)/2                       from (1, 1)
  matq        ||W-T||^2/2                               W, T 2x3 (below)
  matrow      sum_rows ||W_r/||W_r|| - T_r||^2          row-scale invariant (AdamP/SGDP channel view)
  matlayer    ||W/||W||_F - T/||T||_F||^2               layer-scale invariant (AdamP/SGDP layer view)
  spamgrads   no loss: g_t = [0.1,-0.2,0.3,0.05]*(1+0.1 t), except g_8 = [50,-0.2,0.3,0.05],
              from [0.5,-0.5,1,2]
Loop per step (t = 1..N): zero grad, loss, backward (spamgrads: set g_t), step; params recorded after each.

Fixture format (one file per family, records separated by blank lines, '#' starts a comment line):
    run <id>
    optimizer <java name>
    hyper <key> <value>          one per hyper-parameter; booleans 0/1; inf for infinity
    problem <name>
    steps <N>
    start <values...>            row-major
    step <k> <values...>         k = 1..N, params after step k, repr() floats (round-trip exact)
    end
"""

import math
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_reference as ref  # noqa: E402

torch.set_default_dtype(torch.float64)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "optim", "src", "test", "resources", "golden", "optim")
STEPS = 200
RTOL, ATOL = 1e-9, 1e-12          # the Java test's tolerance
VALIDATE_TOL = 1e-12              # agreement demanded with APPENDIX (absolute, and relative to |x| > 1)
PERTURB = 1e-13                   # relative gradient perturbation of the sensitivity check
MAX_SENSITIVITY = 0.25            # max of |dx|/(ATOL + RTOL|x|) allowed under that perturbation

# ------------------------------------------------------------------------------------------- problems

W0 = [[1.0, -0.5, 0.25], [0.3, 2.0, -1.0]]
TGT = [[0.6, 0.8, 0.0], [0.0, 0.6, -0.8]]
SPAM_BASE = [0.1, -0.2, 0.3, 0.05]
SPAM_SPIKE = [50.0, -0.2, 0.3, 0.05]


def _t():
    return torch.tensor(TGT)


def spam_grad(t):
    """The fixed gradient sequence g_t (t = 1, 2, ...)."""
    if t == 8:
        return torch.tensor(SPAM_SPIKE)
    return torch.tensor(SPAM_BASE) * (1 + 0.1 * t)


PROBLEMS = {
    "rosenbrock": ([-1.5, 2.0], lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2),
    "quadratic": ([1.0, 1.0], lambda x: 0.5 * (x[0] ** 2 + 100 * x[1] ** 2)),
    "matq": (W0, lambda w: 0.5 * ((w - _t()) ** 2).sum()),
    "matrow": (W0, lambda w: ((w / w.norm(dim=1, keepdim=True) - _t()) ** 2).sum()),
    "matlayer": (W0, lambda w: ((w / w.norm() - _t() / _t().norm()) ** 2).sum()),
    "spamgrads": ([0.5, -0.5, 1.0, 2.0], None),
}

# ----------------------------------------------------------------------------------------- optimizers

B = (0.9, 0.999)
KEYS = {  # Java name -> hyper-parameter keys with the defaults used when a config does not set them
    "sgd": dict(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=0, weightDecay=0.0),
    "adam": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0, amsgrad=0),
    "adamw": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=1e-2, amsgrad=0),
    "adagrad": dict(lr=0.1, lrDecay=0.0, weightDecay=0.0, eps=1e-10, initialAccumulator=0.0),
    "rmsprop": dict(lr=1e-2, alpha=0.99, eps=1e-8, weightDecay=0.0, momentum=0.0, centered=0),
    "adamax": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0),
    "nadam": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0, momentumDecay=4e-3),
    "radam": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0),
    "lion": dict(lr=1e-3, beta1=0.9, beta2=0.99, weightDecay=0.0),
    "lamb": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-6, weightDecay=0.0),
    "lars": dict(lr=0.1, momentum=0.9, weightDecay=0.0, trustCoefficient=1e-3, eps=0.0, nesterov=0),
    "adabound": dict(lr=1e-2, beta1=B[0], beta2=B[1], finalLr=0.1, gamma=1e-3, eps=1e-8, weightDecay=0.0,
                     amsbound=0),
    "adamp": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0, delta=0.1, wdRatio=0.1,
                  nesterov=0),
    "sgdp": dict(lr=0.1, momentum=0.0, dampening=0.0, weightDecay=0.0, nesterov=0, eps=1e-8, delta=0.1,
                 wdRatio=0.1),
    "adabelief": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-16, weightDecay=0.0, amsgrad=0,
                      weightDecouple=1, fixedDecay=0, rectify=1, degeneratedToSgd=1),
    "spam": dict(lr=1e-2, beta1=B[0], beta2=B[1], eps=1e-6, weightDecay=0.0, warmupSteps=3, threshold=100.0,
                 deltaT=5, gradAccuSteps=2),
    "dadaptsgd": dict(lr=1.0, momentum=0.0, weightDecay=0.0, d0=1e-6, growthRate=math.inf),
    "dadaptadam": dict(lr=1.0, beta1=B[0], beta2=B[1], eps=1e-8, weightDecay=0.0, d0=1e-6,
                       growthRate=math.inf, decouple=0, biasCorrection=0),
    "adagradnorm": dict(lr=1.0, b0=1.0),
}


def torch_optimizer(name, params, h):
    """torch.optim 1.13 with the Java hyper-parameters (for-loop implementation)."""
    o = torch.optim
    betas = (h.get("beta1"), h.get("beta2"))
    if name == "sgd":
        return o.SGD(params, lr=h["lr"], momentum=h["momentum"], dampening=h["dampening"],
                     weight_decay=h["weightDecay"], nesterov=bool(h["nesterov"]), foreach=False)
    if name in ("adam", "adamw"):
        cls = o.Adam if name == "adam" else o.AdamW
        return cls(params, lr=h["lr"], betas=betas, eps=h["eps"], weight_decay=h["weightDecay"],
                   amsgrad=bool(h["amsgrad"]), foreach=False)
    if name == "adagrad":
        return o.Adagrad(params, lr=h["lr"], lr_decay=h["lrDecay"], weight_decay=h["weightDecay"],
                         initial_accumulator_value=h["initialAccumulator"], eps=h["eps"], foreach=False)
    if name == "rmsprop":
        return o.RMSprop(params, lr=h["lr"], alpha=h["alpha"], eps=h["eps"], weight_decay=h["weightDecay"],
                         momentum=h["momentum"], centered=bool(h["centered"]), foreach=False)
    if name == "adamax":
        return o.Adamax(params, lr=h["lr"], betas=betas, eps=h["eps"], weight_decay=h["weightDecay"],
                        foreach=False)
    if name == "nadam":
        return o.NAdam(params, lr=h["lr"], betas=betas, eps=h["eps"], weight_decay=h["weightDecay"],
                       momentum_decay=h["momentumDecay"], foreach=False)
    if name == "radam":
        return o.RAdam(params, lr=h["lr"], betas=betas, eps=h["eps"], weight_decay=h["weightDecay"],
                       foreach=False)
    raise KeyError(name)


FAMILY = {n: "torch" for n in ("sgd", "adam", "adamw", "adagrad", "rmsprop", "adamax", "nadam", "radam")}
FAMILY.update({n: "papers" for n in ("adabound", "adamp", "sgdp", "adabelief", "spam", "dadaptsgd",
                                     "dadaptadam", "adagradnorm")})
FAMILY.update({n: "optax" for n in ("lion", "lamb", "lars")})


def make_optimizer(name, params, h):
    if FAMILY[name] == "torch" and name != "nadam":
        return torch_optimizer(name, params, h)
    return ref.REFERENCE[name](params, **h)


def full_hyper(name, overrides):
    unknown = set(overrides) - set(KEYS[name])
    if unknown:
        raise KeyError(f"{name}: unknown hyper-parameters {sorted(unknown)}")
    h = dict(KEYS[name])
    h.update(overrides)
    return h


def trajectory(name, h, problem, steps, perturb=0.0, seed=0):
    """Params (flat lists) at the start and after each of `steps` steps. perturb > 0 multiplies every
    gradient component by (1 +- perturb) with random signs (sensitivity check)."""
    start, loss_fn = PROBLEMS[problem]
    x = torch.tensor(start).requires_grad_(True)
    opt = make_optimizer(name, [x], h)
    rng = random.Random(seed)
    out = [x.detach().flatten().tolist()]
    for t in range(1, steps + 1):
        opt.zero_grad()
        if loss_fn is None:
            x.grad = spam_grad(t)
        else:
            loss_fn(x).backward()
        if perturb:
            signs = torch.tensor([rng.choice((-1.0, 1.0)) for _ in range(x.numel())]).reshape(x.shape)
            x.grad = x.grad * (1 + perturb * signs)
        opt.step()
        out.append(x.detach().flatten().tolist())
    return out


# -------------------------------------------------------------------------- APPENDIX (validation)
# Trajectories recorded by running the real reference
# implementations (torch 2.13, Luolc/AdaBound, clovaai/AdamP, AdaBelief 0.2.1, facebookresearch/dadaptation,
# TianjinYellow/SPAM-Optimizer, optax 0.2.8), float64. (name, optimizer, hyper overrides, problem, N,
# {step: params}). AdaGrad-Norm has no reference code: its entry is derived by hand from the update rule of its paper.

APPENDIX = [
    ("torch SGD lr=1e-3 mom=0.9", "sgd", dict(lr=1e-3, momentum=0.9), "rosenbrock", 100, {
        1: [-1.345, 2.05], 2: [-1.33045455, 2.046805], 3: [-1.459955151994872, 1.9885903619231404],
        100: [-0.586549181770415, 0.3510216827878135]}),
    ("torch SGD nesterov", "sgd", dict(lr=1e-3, momentum=0.9, nesterov=1), "rosenbrock", 100, {
        1: [-1.2055, 2.095], 2: [-1.6595457095550001, 1.891627495],
        3: [-0.6957478417753753, 2.1518472929989154], 100: [0.6634875004212173, 0.4385716050724314]}),
    ("torch Adam lr=1e-2", "adam", dict(lr=1e-2), "rosenbrock", 100, {
        1: [-1.4900000000006453, 2.009999999998], 2: [-1.4800827625793491, 2.0199175641793925],
        3: [-1.4703270820088348, 2.0296717846564474], 100: [-1.4049812152144097, 1.9803512280320792]}),
    ("torch Adam amsgrad", "adam", dict(lr=1e-2, amsgrad=1), "rosenbrock", 100, {
        1: [-1.4900000000006453, 2.009999999998], 2: [-1.4800827625793491, 2.0199175641793925],
        3: [-1.4703270820088348, 2.0296717846564474], 100: [-1.4051822154735631, 1.9810054100867598]}),
    ("torch AdamW wd=0.1", "adamw", dict(lr=1e-2, weightDecay=0.1), "rosenbrock", 100, {
        1: [-1.4885000000006452, 2.007999999998], 2: [-1.4771028669987682, 2.015901353972304],
        3: [-1.4658970782393774, 2.023613261155373], 100: [-1.3153204309526354, 1.7394523335753602]}),
    ("torch Adagrad lr=0.1", "adagrad", dict(lr=0.1), "rosenbrock", 100, {
        1: [-1.4000000000000645, 2.0999999999998], 2: [-1.4428937933523005, 2.051139663106802],
        3: [-1.4297991073536267, 2.0618283407966898], 100: [-1.358711864837759, 1.8523042718200355]}),
    ("torch RMSprop lr=1e-2", "rmsprop", dict(lr=1e-2), "rosenbrock", 100, {
        1: [-1.400000000064516, 2.0999999998], 2: [-1.4430698810044937, 2.0509526157179816],
        3: [-1.4296260792745905, 2.061975607041488], 100: [-1.3361012895635873, 1.7913819593758087]}),
    ("torch Adamax lr=1e-2", "adamax", dict(lr=1e-2), "rosenbrock", 100, {
        1: [-1.4900000000006453, 2.009999999998], 2: [-1.4808329517984535, 2.019169169165418],
        3: [-1.4724701367075066, 2.027529602141153], 100: [-1.4264849277353546, 2.0402922720201033]}),
    ("torch NAdam lr=1e-2", "nadam", dict(lr=1e-2), "rosenbrock", 100, {
        1: [-1.4894354822171278, 2.010564517781441], 2: [-1.4822695731109894, 2.0177320734940625],
        3: [-1.4759561277792057, 2.024041093372762], 100: [-1.4041309679827918, 1.9777444452325457]}),
    ("torch RAdam lr=1e-2", "radam", dict(lr=1e-2), "rosenbrock", 100, {
        1: [0.050000000000000044, 2.5], 2: [1.0571052631578952, 0.10789473684210504],
        3: [0.11691784508623426, -0.6564397276936753], 100: [-0.35051811634810315, -0.23248306170724614]}),
    ("torch AdamW control (matrow)", "adamw", dict(lr=1e-2, weightDecay=1e-2), "matrow", 20, {
        1: [1.009899999872029, -0.4899500000653764, 0.23997500150365741, 0.28997000095696357,
            1.9898000006069536, -1.009899999722887],
        2: [1.0197906486128219, -0.47990050490005326, 0.22994610557806847, 0.27994837008817375,
            1.979599243524965, -1.0197953884435285],
        3: [1.0296659525822103, -0.46985136974430436, 0.21991201968420865, 0.2699405601135345,
            1.9693967354390634, -1.02968362194732],
        20: [1.188414681522014, -0.2995488450123022, 0.05545520476152366, 0.10936784823044722,
             1.7955255383560458, -1.1938625118960682]}),
    ("Luolc AdaBound", "adabound", dict(lr=1e-2), "rosenbrock", 100, {
        1: [-1.490000000020402, 2.0099999999367544], 2: [-1.4800827626135258, 2.019917564072651],
        3: [-1.4696510749692813, 2.029671784511235], 100: [-1.1361287521945518, 1.296396580731365]}),
    ("Luolc AMSBound", "adabound", dict(lr=1e-2, amsbound=1), "rosenbrock", 100, {
        1: [-1.490000000020402, 2.0099999999367544], 2: [-1.4800827626135258, 2.019917564072651],
        3: [-1.4696510749692813, 2.029671784511235], 100: [-1.1361277507277223, 1.296394423182316]}),
    ("AdaBelief-0.2.1 defaults", "adabelief", dict(lr=1e-2), "rosenbrock", 100, {
        1: [0.04999999999999995, 2.5], 2: [1.0571052631578943, 0.10789473684210536],
        3: [0.11691784508623727, -0.6564397276936765], 100: [-0.31347119192293643, -0.1830289778848445]}),
    ("AdaBelief-0.2.1 rectify=False", "adabelief", dict(lr=1e-2, rectify=0), "rosenbrock", 100, {
        1: [-1.488888888888889, 2.011111111111111], 2: [-1.4773410915338574, 2.022659300958054],
        3: [-1.4655463997373142, 2.0344496917911004], 100: [-1.4001687511159902, 1.9655958401179245]}),
    ("AdaBelief-0.2.1 rectify=False wd=0.1", "adabelief", dict(lr=1e-2, rectify=0, weightDecay=0.1),
     "rosenbrock", 100, {
         1: [-1.4873888888888889, 2.0091111111111113], 2: [-1.4743665588646724, 2.0186378883805154],
         3: [-1.4611443075452604, 2.028363502599219], 100: [-1.3104673996246845, 1.7245330630269056]}),
    ("DAdaptSGD lr=1", "dadaptsgd", dict(), "quadratic", 50, {
        1: [0.9999999900005, 0.9999990000499962], 2: [0.999999980001, 0.9999980001009924],
        3: [0.9999999700015002, 0.9999970001529884], 50: [0.8099912967315761, 0.0]}),
    ("DAdaptSGD momentum=0.9", "dadaptsgd", dict(momentum=0.9), "quadratic", 50, {
        1: [0.99999999900005, 0.9999999000049996], 2: [0.999999997100145, 0.9999997100145088],
        3: [0.9999999943902804, 0.9999994390280958], 50: [0.6243250309024874, 0.16554554679520517]}),
    ("DAdaptAdam quad", "dadaptadam", dict(), "quadratic", 50, {
        1: [0.9999968377233398, 0.9999968377223498], 2: [0.9999925881329526, 0.9999925881310217],
        3: [0.9999605755334838, 0.9999605755257638], 50: [-0.04223701107751259, -0.04223670241157087]}),
    ("DAdaptAdam rosen", "dadaptadam", dict(), "rosenbrock", 100, {
        1: [-1.4999968377223463, 2.00000316227764], 2: [-1.49999258813632, 2.0000074118637032],
        3: [-1.4999605778321394, 2.0000394221829003], 100: [-0.07827466665273926, 0.004710119975621382]}),
    ("clovaai AdamP (matrow)", "adamp", dict(lr=1e-2, weightDecay=1e-2), "matrow", 20, {
        1: [1.008085237786705, -0.4890426190227143, 0.23952131098232637, 0.29076320912951015,
            1.9950880550905976, -1.012544026964709],
        2: [1.0159282661843445, -0.47799904155165596, 0.2290053834921864, 0.28149609946532933,
            1.9900593904688337, -1.0250632470329544],
        3: [1.0235264443748051, -0.4668764491137263, 0.2184565232518979, 0.27220560185100656,
            1.9849142846663967, -1.0375535997728091],
        20: [1.1140018987514198, -0.2725086539881161, 0.04567079846574646, 0.11926128839177062,
             1.880867907268379, -1.2415101028531992]}),
    ("clovaai AdamP (matlayer)", "adamp", dict(lr=1e-2, weightDecay=1e-2), "matlayer", 20, {
        1: [1.0116299830227582, -0.4908149920444201, 0.24040749801294997, 0.2904889968518484,
            1.9932599694923334, -1.0116299833285796],
        2: [1.023182516947001, -0.4815727127751856, 0.23078748264626678, 0.2809439853464434,
            1.9863265788633993, -1.0231864068539023],
        3: [1.0346519703064667, -0.47227613792631196, 0.22114897642870823, 0.27137231819307117,
            1.979200299597508, -1.0346664902180256],
        20: [1.2107900443520214, -0.30866534071353613, 0.06633350816237644, 0.1136379860703186,
             1.8315743865396303, -1.215704306786275]}),
    ("clovaai SGDP (matrow)", "sgdp", dict(lr=0.1, momentum=0.9, weightDecay=1e-4), "matrow", 20, {
        1: [1.0781327873606983, -0.3470346502726758, 0.24334705001185547, 0.28954728195258306,
            1.9835042778785728, -1.03607635965708],
        2: [1.1794593456584115, -0.0478905056448392, 0.22097767725309836, 0.26987699603185983,
            1.951534250380027, -1.1027290225519255],
        3: [1.2056223271313573, 0.36126354265502286, 0.16994084911638008, 0.24226556482733114,
            1.9042630603558326, -1.1930976092114927],
        20: [1.3137224172397903, 0.8850445889014135, 0.11817072282976918, -0.09427090758334244,
             1.11309131350032, -2.007849015685662]}),
    ("clovaai AdamP (matq, no projection)", "adamp", dict(lr=1e-2), "matq", 20, {
        1: [0.99000000025, -0.49000000007692307, 0.2400000004, 0.2900000003333333, 1.9900000000714286,
            -0.9900000004999999],
        2: [0.9800073999856407, -0.4800020874718036, 0.23001271960469416, 0.2800102713794283,
            1.9800019328739393, -0.9800166495718142],
        3: [0.9700273851544419, -0.470007670389615, 0.2200473945455301, 0.270038153308521,
            1.9700071008271074, -0.9700623406593789],
        20: [0.8080370852356348, -0.3019949958416568, 0.06562784427850143, 0.11193605432650662,
             1.8018403833026708, -0.8222452517940061]}),
    ("optax lars tc=1e-3 (matq)", "lars", dict(lr=0.1, momentum=0.9, weightDecay=1e-4), "matq", 20, {
        1: [0.9999494021484645, -0.4998355917598381, 0.2499683810851533, 0.29996205730218395,
            1.9998229264890777, -0.9999746947510816],
        2: [0.9998532704311512, -0.4995232297526071, 0.24990830777192846, 0.2998899693263142,
            1.9994865015188652, -0.9999266168789637],
        3: [0.999716166215004, -0.49907773528571847, 0.24982263048714418, 0.299787156584573,
            1.9990066881635808, -0.9998580476371465],
        20: [0.9938962691974818, -0.4801670701579257, 0.24618574033016835, 0.2954228883962022,
             1.9786392305181553, -0.9969473718230843]}),
    ("SPAM-ref threshold=100", "spam", dict(), "spamgrads", 12, {
        1: [0.49000287397166414, -0.49000143719235456, 0.990000958174139, 1.9900057462918603],
        2: [0.48137209916092005, -0.4813694791528565, 0.981368605652958, 1.981377336965742],
        4: [0.46485978755722146, -0.46485505774445124, 0.9648534808564352, 1.9648692433537385],
        5: [0.4648052501297236, -0.46480051456880966, 0.9647989357644764, 1.9648147174188941],
        8: [0.4522980136580358, -0.45229243861206936, 0.9522905799543175, 1.9523091595789732],
        9: [0.44431159844804624, -0.44430552356642644, 0.9443034982828865, 1.94432374385263],
        12: [0.4397175323885692, -0.4397112146967722, 0.9397091084707857, 1.9397301633362887]}),
    ("SPAM-ref threshold=0", "spam", dict(threshold=0.0), "spamgrads", 12, {
        1: [0.49000287397166414, -0.49000143719235456, 0.990000958174139, 1.9900057462918603],
        2: [0.4799916132684715, -0.4799892039819711, 0.9799884007527035, 1.9799964300363908],
        4: [0.45989588550156735, -0.45989208019180816, 0.95989081157798, 1.959903493729238],
        5: [0.4598413480740695, -0.4598375370161666, 0.9598362664860212, 1.9598489677943938],
        8: [0.44974175206311634, -0.44645886387776734, 0.9464573429079495, 1.9464725481878833],
        9: [0.44528778551943876, -0.43763637214432194, 0.9376347185231385, 1.9376512501372507],
        12: [0.44041913513098874, -0.43276749732943204, 0.9327657688947704, 1.9327830485387136]}),
    ("AdaGrad-Norm (derived by hand)", "adagradnorm", dict(lr=1.0, b0=1.0), "quadratic", 2, {
        1: [0.990000999850025, 9.998500249963627e-05], 2: [0.9801024647233317, 1.4895445694511908e-08]}),
]

# Cross-checks where APPENDIX has no number for an optimizer written here: the first step computed
# independently by hand (numpy-free scalar formulas) from the update rule.


def hand_first_steps():
    """(name, optimizer, hyper overrides, problem, expected params after step 1)."""
    x0, g0 = [-1.5, 2.0], [-155.0, -50.0]           # Rosenbrock start and its gradient
    out = []
    # Lion: m0 = 0 -> theta1 = theta0 - lr*(sign(g0) + wd*theta0)
    lr, wd = 1e-3, 0.1
    out.append(("Lion step 1", "lion", dict(lr=lr, weightDecay=wd), "rosenbrock",
                [x - lr * (math.copysign(1.0, g) + wd * x) for x, g in zip(x0, g0)]))
    # LAMB: mhat = g, vhat = g^2 -> u = g/(|g|+eps) + wd*x; theta1 = x - lr*||x||/||u|| * u
    lr, wd, eps = 1e-2, 0.1, 1e-6
    u = [g / (abs(g) + eps) + wd * x for x, g in zip(x0, g0)]
    ratio = math.hypot(*x0) / math.hypot(*u)
    out.append(("LAMB step 1", "lamb", dict(lr=lr, weightDecay=wd), "rosenbrock",
                [x - lr * ratio * ui for x, ui in zip(x0, u)]))
    # AdaGrad-Norm on Rosenbrock: b1 = sqrt(b0^2 + ||g0||^2)
    b = math.sqrt(1.0 + 155.0 ** 2 + 50.0 ** 2)
    out.append(("AdaGrad-Norm step 1", "adagradnorm", dict(lr=0.5, b0=1.0), "rosenbrock",
                [x - 0.5 / b * g for x, g in zip(x0, g0)]))
    # SGDP with dampening on a 1-D problem (no projection): buf1 = (1-damp) g, wd factor 1/(1-mu)
    lr, mu, damp, wd = 1e-3, 0.9, 0.5, 0.01
    out.append(("SGDP step 1 (dampening, wd)", "sgdp",
                dict(lr=lr, momentum=mu, dampening=damp, weightDecay=wd), "rosenbrock",
                [x * (1 - lr * wd / (1 - mu)) - lr * (1 - damp) * g for x, g in zip(x0, g0)]))
    return out


def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


def validate():
    """Re-runs APPENDIX and the hand checks; returns False if anything disagrees."""
    ok = True
    print(f"== validation against the recorded reference runs (tolerance {VALIDATE_TOL:g}, relative above |x| = 1)")
    for name, opt, over, problem, n, expect in APPENDIX:
        traj = trajectory(opt, full_hyper(opt, over), problem, n)
        worst = 0.0
        for k, want in expect.items():
            got = traj[k]
            worst = max(worst, max(abs(g - w) / max(1.0, abs(w)) for g, w in zip(got, want)))
            if not all(close(g, w, VALIDATE_TOL) for g, w in zip(got, want)):
                ok = False
                print(f"   MISMATCH {name} step {k}:\n      got  {got}\n      want {want}")
        steps = ",".join(str(k) for k in expect)
        print(f"   {'ok ' if worst <= VALIDATE_TOL else 'BAD'} {name:40s} {problem:10s} steps {steps:18s}"
              f" max dev {worst:.2e}")
    print("== hand-derived first steps (optimizers without reference numbers)")
    for name, opt, over, problem, want in hand_first_steps():
        got = trajectory(opt, full_hyper(opt, over), problem, 1)[1]
        worst = max(abs(g - w) / max(1.0, abs(w)) for g, w in zip(got, want))
        good = worst <= VALIDATE_TOL
        ok &= good
        print(f"   {'ok ' if good else 'BAD'} {name:40s} {problem:10s} max dev {worst:.2e}")
    return ok


# ------------------------------------------------------------------------------------------- fixtures

def runs():
    """(id, optimizer, hyper overrides, problem). Every run has STEPS steps."""
    r = []

    def add(opt, problem, tag, **over):
        r.append((f"{opt}-{problem}-{tag}", opt, over, problem))

    # --- torch.optim (the plain-SGD runs, one per problem, also let the Java test check its losses and
    # gradients step by step, independently of the optimizer code: x_k = x_{k-1} - lr*grad f(x_{k-1}))
    add("sgd", "rosenbrock", "plain", lr=5e-4)
    add("sgd", "rosenbrock", "mom", lr=1e-3, momentum=0.9)
    add("sgd", "rosenbrock", "nesterov", lr=5e-4, momentum=0.9, nesterov=1)
    add("sgd", "rosenbrock", "damp-wd", lr=5e-4, momentum=0.8, dampening=0.5, weightDecay=0.01)
    add("sgd", "quadratic", "plain", lr=0.015)
    add("sgd", "quadratic", "nesterov-wd", lr=0.005, momentum=0.9, nesterov=1, weightDecay=0.1)
    add("sgd", "quadratic", "damp", lr=0.012, momentum=0.5, dampening=0.3)
    add("sgd", "matq", "plain", lr=0.1)
    add("sgd", "matrow", "plain", lr=0.1)
    add("sgd", "matlayer", "plain", lr=0.1)
    add("sgd", "spamgrads", "plain", lr=0.01)
    add("sgd", "matq", "mom", lr=0.1, momentum=0.9)
    add("sgd", "matq", "nesterov-wd", lr=0.1, momentum=0.9, nesterov=1, weightDecay=0.05)
    for opt in ("adam", "adamw"):
        add(opt, "rosenbrock", "base", lr=1e-2, weightDecay=0.0 if opt == "adam" else 0.1)
        add(opt, "rosenbrock", "amsgrad-wd", lr=1e-2, amsgrad=1, weightDecay=0.05)
        add(opt, "quadratic", "base", lr=0.05, weightDecay=0.0 if opt == "adam" else 0.01)
        add(opt, "quadratic", "amsgrad-wd", lr=0.05, amsgrad=1, weightDecay=0.1, beta1=0.8, beta2=0.99,
            eps=1e-6)
        add(opt, "matq", "wd", lr=0.05, weightDecay=0.01)
    add("adamw", "matrow", "control", lr=1e-2, weightDecay=1e-2)
    add("adagrad", "rosenbrock", "base", lr=0.1)
    add("adagrad", "rosenbrock", "decay-wd-acc", lr=0.1, lrDecay=0.01, weightDecay=0.01, initialAccumulator=0.1)
    add("adagrad", "quadratic", "base", lr=0.5)
    add("adagrad", "matq", "decay-acc", lr=0.5, lrDecay=0.05, initialAccumulator=0.5, eps=1e-6)
    add("rmsprop", "rosenbrock", "base", lr=3e-3)
    add("rmsprop", "rosenbrock", "centered", lr=1e-3, centered=1)
    add("rmsprop", "rosenbrock", "mom-centered-wd", lr=1e-4, momentum=0.9, centered=1, weightDecay=0.01)
    add("rmsprop", "quadratic", "mom", lr=1e-3, momentum=0.5, alpha=0.9)
    add("rmsprop", "matq", "centered-wd", lr=1e-2, centered=1, weightDecay=0.1)
    add("adamax", "rosenbrock", "base", lr=1e-2)
    add("adamax", "rosenbrock", "wd", lr=1e-2, weightDecay=0.1, beta2=0.99)
    add("adamax", "quadratic", "base", lr=0.05)
    add("adamax", "matq", "wd", lr=0.05, weightDecay=0.01)
    add("nadam", "rosenbrock", "base", lr=1e-2)
    add("nadam", "rosenbrock", "wd-decay", lr=1e-2, weightDecay=0.1, momentumDecay=0.01)
    add("nadam", "quadratic", "base", lr=0.05)
    add("nadam", "matq", "wd", lr=0.05, weightDecay=0.01)
    add("radam", "rosenbrock", "base", lr=1e-3)
    add("radam", "rosenbrock", "wd", lr=1e-3, weightDecay=0.1)
    add("radam", "quadratic", "base", lr=0.01)
    add("radam", "matq", "wd", lr=0.05, weightDecay=0.01)

    # --- seed papers
    add("adabound", "rosenbrock", "base", lr=1e-2)
    add("adabound", "rosenbrock", "amsbound-wd", lr=1e-2, amsbound=1, weightDecay=0.1)
    add("adabound", "quadratic", "tight", lr=0.05, finalLr=0.01, gamma=0.1)
    add("adabound", "quadratic", "amsbound", lr=0.05, amsbound=1)
    add("adabound", "matq", "base", lr=0.05, finalLr=0.1, gamma=0.01)
    add("adamp", "rosenbrock", "wd", lr=1e-2, weightDecay=0.1)
    add("adamp", "quadratic", "nesterov", lr=0.05, nesterov=1)
    add("adamp", "matq", "wd", lr=1e-2, weightDecay=1e-2)
    add("adamp", "matrow", "wd", lr=1e-2, weightDecay=1e-2)
    add("adamp", "matrow", "nesterov-wd", lr=1e-2, weightDecay=0.1, nesterov=1, wdRatio=0.5)
    add("adamp", "matlayer", "wd", lr=1e-2, weightDecay=1e-2)
    add("sgdp", "rosenbrock", "damp-wd", lr=1e-3, momentum=0.9, dampening=0.5, weightDecay=0.01)
    add("sgdp", "quadratic", "nesterov", lr=0.005, momentum=0.9, nesterov=1)
    add("sgdp", "matq", "mom-wd", lr=0.1, momentum=0.9, weightDecay=1e-4)
    add("sgdp", "matrow", "mom-wd", lr=0.1, momentum=0.9, weightDecay=1e-4)
    add("sgdp", "matrow", "nesterov", lr=0.05, momentum=0.9, nesterov=1, weightDecay=1e-3)
    add("sgdp", "matlayer", "mom-wd", lr=0.1, momentum=0.9, weightDecay=1e-3, wdRatio=0.5)
    add("adabelief", "rosenbrock", "rectify", lr=1e-3)
    add("adabelief", "rosenbrock", "plain", lr=1e-2, rectify=0)
    add("adabelief", "rosenbrock", "decoupled-wd", lr=1e-2, rectify=0, weightDecay=0.1)
    add("adabelief", "rosenbrock", "amsgrad-l2", lr=1e-2, rectify=0, amsgrad=1, weightDecouple=0,
        weightDecay=0.1, eps=1e-12)
    add("adabelief", "quadratic", "rectify-nosgd", lr=0.05, degeneratedToSgd=0)
    add("adabelief", "quadratic", "fixed-decay", lr=0.05, rectify=0, fixedDecay=1, weightDecay=1e-3, eps=1e-8)
    add("adabelief", "matq", "rectify-wd", lr=0.05, weightDecay=0.01)
    add("spam", "spamgrads", "clip", threshold=100.0)
    add("spam", "spamgrads", "noclip", threshold=0.0)
    add("spam", "spamgrads", "long-wd", warmupSteps=10, deltaT=50, gradAccuSteps=5, threshold=1000.0,
        weightDecay=0.01)
    add("spam", "rosenbrock", "base", lr=3e-3, warmupSteps=5, deltaT=40, gradAccuSteps=3, threshold=500.0)
    add("spam", "quadratic", "wd", lr=0.005, warmupSteps=4, deltaT=30, gradAccuSteps=2, threshold=50.0,
        weightDecay=0.01, beta1=0.8)
    add("spam", "matq", "base", lr=0.002, warmupSteps=5, deltaT=25, gradAccuSteps=2, threshold=200.0)
    add("dadaptsgd", "quadratic", "base")
    add("dadaptsgd", "quadratic", "mom-wd", momentum=0.9, weightDecay=1e-3)
    add("dadaptsgd", "rosenbrock", "growth", lr=0.5, momentum=0.5, growthRate=1.05)
    add("dadaptsgd", "matq", "mom", momentum=0.9, d0=1e-4)
    add("dadaptadam", "quadratic", "base")
    add("dadaptadam", "rosenbrock", "growth", growthRate=1.05)
    add("dadaptadam", "quadratic", "bc-decouple", biasCorrection=1, decouple=1, weightDecay=0.01,
        growthRate=1.1)
    add("dadaptadam", "matq", "l2-growth", weightDecay=0.01, d0=1e-3, growthRate=1.05)
    add("adagradnorm", "quadratic", "base", lr=1.0, b0=1.0)
    add("adagradnorm", "rosenbrock", "base", lr=0.5, b0=1.0)
    add("adagradnorm", "matq", "small-b0", lr=0.5, b0=0.1)

    # --- optax forms
    add("lion", "rosenbrock", "base", lr=1e-3)
    add("lion", "rosenbrock", "wd", lr=1e-3, weightDecay=0.1, beta2=0.9)
    add("lion", "quadratic", "base", lr=1e-3)
    add("lion", "matq", "wd", lr=3e-3, weightDecay=0.1)
    add("lamb", "rosenbrock", "base", lr=1e-2)
    add("lamb", "rosenbrock", "wd", lr=1e-2, weightDecay=0.1)
    add("lamb", "quadratic", "base", lr=0.01)
    add("lamb", "matq", "wd", lr=0.004, weightDecay=0.01)
    add("lars", "rosenbrock", "base", lr=0.1, trustCoefficient=1e-3)
    add("lars", "quadratic", "nesterov-eps", lr=0.5, trustCoefficient=0.01, nesterov=1, eps=1e-8, momentum=0.5)
    add("lars", "matq", "wd", lr=0.1, weightDecay=1e-4)
    add("lars", "matq", "tc-nesterov", lr=0.1, weightDecay=1e-3, trustCoefficient=0.02, nesterov=1)
    return r


def fmt(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(float(v))


def record(rid, opt, h, problem, traj):
    lines = [f"run {rid}", f"optimizer {opt}"]
    lines += [f"hyper {k} {fmt(v)}" for k, v in h.items()]
    lines += [f"problem {problem}", f"steps {len(traj) - 1}", "start " + " ".join(map(repr, traj[0]))]
    lines += [f"step {k} " + " ".join(map(repr, row)) for k, row in enumerate(traj) if k > 0]
    lines.append("end")
    return "\n".join(lines)


def sensitivity(base, pert):
    """max over steps/coordinates of |dx| / (ATOL + RTOL |x|)."""
    return max(abs(p - b) / (ATOL + RTOL * abs(b)) for rb, rp in zip(base, pert) for b, p in zip(rb, rp))


def main():
    check_only = "--check" in sys.argv
    if not validate():
        sys.exit("VALIDATION FAILED: a reference implementation disagrees with the recorded reference runs")
    print(f"== fixture runs ({STEPS} steps; sensitivity = max |dx|/(atol+rtol|x|) under a {PERTURB:g}"
          " relative gradient perturbation)")
    files, bad, ids = {}, [], set()
    for rid, opt, over, problem in runs():
        assert rid not in ids, rid
        ids.add(rid)
        h = full_hyper(opt, over)
        traj = trajectory(opt, h, problem, STEPS)
        finite = all(math.isfinite(v) and abs(v) < 1e6 for row in traj for v in row)
        s = max(sensitivity(traj, trajectory(opt, h, problem, STEPS, PERTURB, seed)) for seed in (1, 2))
        start, loss_fn = PROBLEMS[problem]
        f_end = "" if loss_fn is None else f"f={loss_fn(torch.tensor(traj[-1]).reshape(torch.tensor(start).shape)).item():.4g}"
        status = "ok " if finite and s <= MAX_SENSITIVITY else "BAD"
        if status == "BAD":
            bad.append(rid)
        print(f"   {status} {rid:36s} sens {s:9.2e} {f_end}")
        files.setdefault(FAMILY[opt], []).append(record(rid, opt, h, problem, traj))
    if bad:
        sys.exit(f"UNUSABLE RUNS (diverged or too sensitive to rounding): {bad}")
    if check_only:
        return
    os.makedirs(OUT_DIR, exist_ok=True)
    for family, recs in sorted(files.items()):
        path = os.path.join(OUT_DIR, family + ".txt")
        with open(path, "w") as f:
            f.write(f"# Golden optimizer trajectories ({family}); generated by tools/golden/generate_optim.py"
                    f" with torch {torch.__version__}. Do not edit.\n\n")
            f.write("\n\n".join(recs) + "\n")
        print(f"wrote {path}: {len(recs)} runs, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
