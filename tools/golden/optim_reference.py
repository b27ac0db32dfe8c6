"""Reference implementations (float64, PyTorch tensors) of the optimizers that torch.optim lacks.

Written from the update rules of the papers, as the authors' repositories implement them; generate_optim.py
checks every class below against trajectories recorded by running those real repositories (its APPENDIX
table) before it writes
any fixture. The code follows the reference implementations' order of operations where it is known (it
matters only in the last bits).

Every class takes a list of leaf tensors and keyword hyper-parameters named as on the Java side, and has
`step()` (reads p.grad, updates p in place) and `zero_grad()`, like a torch.optim optimizer. State is kept
per parameter in `self.state[i]` (or in the object for global counters).

Optimizers here:
  AdaBound / AMSBound   Luolc/AdaBound            coupled L2; eps on sqrt(v) before bias correction; clamp
  AdamP, SGDP           clovaai/AdamP             radial projection for >= 2-D params, decoupled decay
  AdaBelief             juntang-zhuang 0.2.1      eps accumulated into s; rectification; decoupled decay
  SPAM                  TianjinYellow/SPAM        resets every deltaT, cosine warm-up, spike clipping
  DAdaptSGD, DAdaptAdam facebookresearch/dadapt.  distance estimate d, lr = 1 by default
  AdaGradNorm           Ward et al. (paper)       one scalar b^2 += ||g||^2 for all params
  NAdam                 torch.optim 2.x           (torch 1.13's NAdam double-counts mu in its product)
  Lion                  optax.lion form           theta -= lr*(sign(b1 m + (1-b1) g) + wd theta)
  Lamb                  optax.lamb form           chain(scale_by_adam, decay, trust ratio, lr)
  Lars                  optax.lars form           chain(decay, trust ratio, lr, trace momentum)
"""

import math

import torch


class _Base:
    """Shared bookkeeping: the parameter list, hyper-parameters and per-parameter state dicts."""

    def __init__(self, params, **hyper):
        self.params = list(params)
        self.h = dict(hyper)
        self.state = [dict() for _ in self.params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        with torch.no_grad():
            self._step()


# ----------------------------------------------------------------------------------- AdaBound / AMSBound

class AdaBound(_Base):
    """Luo et al. 2019. Adam whose per-coordinate step size is clamped into [lower(t), upper(t)], bounds
    that both tend to finalLr * lr / base_lr (base_lr = the lr at construction, so = finalLr here):
        g += wd*theta; m, v Adam EMAs; denom = sqrt(v (or vmax if amsbound)) + eps
        step = clamp(lr*sqrt(bc2)/bc1 / denom, lower, upper) * m
        lower = final*(1 - 1/(gamma t + 1)), upper = final*(1 + 1/(gamma t))."""

    def __init__(self, params, **h):
        super().__init__(params, **h)
        self.base_lr = h["lr"]

    def _step(self):
        h = self.h
        b1, b2 = h["beta1"], h["beta2"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["step"] = 0
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
                st["vmax"] = torch.zeros_like(p)
            if h["weightDecay"] != 0:
                g = g.add(p, alpha=h["weightDecay"])
            st["step"] += 1
            t = st["step"]
            st["m"].mul_(b1).add_(g, alpha=1 - b1)
            st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
            if h["amsbound"]:
                torch.max(st["vmax"], st["v"], out=st["vmax"])
                denom = st["vmax"].sqrt().add_(h["eps"])
            else:
                denom = st["v"].sqrt().add_(h["eps"])
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            step_size = h["lr"] * math.sqrt(bc2) / bc1
            final = h["finalLr"] * h["lr"] / self.base_lr
            lower = final * (1 - 1 / (h["gamma"] * t + 1))
            upper = final * (1 + 1 / (h["gamma"] * t))
            s = torch.full_like(denom, step_size)
            s.div_(denom).clamp_(lower, upper).mul_(st["m"])
            p.add_(-s)


# ----------------------------------------------------------------------------------------- AdamP / SGDP

def _project(p, g, perturb, delta, wd_ratio, eps):
    """AdamP's radial projection. For the channel view (rows = first axis) and then the layer view (one
    row), if max_row |cos(g_row, p_row)| < delta/sqrt(row length), remove from `perturb` its component
    along each normalised row of p and return (projected, wd_ratio); otherwise (perturb, 1).
    Only called for tensors of dim >= 2. The projection is done in place on `perturb`, as in the reference
    (`perturb -= ...`): for SGDP without Nesterov, perturb IS the momentum buffer, so the stored buffer is
    projected too (this changes the trajectory from step 3 on; the recorded SGDP reference run confirms it).
    |cos| = |<x,y>|/max(||x|| ||y||, eps): only compared with the threshold, so the exact form of
    F.cosine_similarity's eps handling does not matter."""
    views = [lambda x: x.reshape(x.shape[0], -1), lambda x: x.reshape(1, -1)]
    expand = [-1] + [1] * (p.dim() - 1)
    for view in views:
        gv, pv = view(g), view(p)
        dot = (gv * pv).sum(dim=1)
        cos = (dot / torch.clamp(gv.norm(dim=1) * pv.norm(dim=1), min=eps)).abs()
        if cos.max() < delta / math.sqrt(pv.shape[1]):
            pn = p / pv.norm(dim=1).view(expand).add(eps)
            perturb.sub_(pn * view(pn * perturb).sum(dim=1).view(expand))   # IN PLACE, as the reference
            return perturb, wd_ratio
    return perturb, 1.0


class AdamP(_Base):
    """Heo et al. 2021. Adam step m/(sqrt(v)/sqrt(bc2)+eps) (Nesterov: (b1 m + (1-b1) g)/denom), radially
    projected for >= 2-D params when the gradient is nearly orthogonal to the weights; decoupled decay
    theta *= 1 - lr*wd*ratio (ratio = wdRatio if projected) BEFORE theta -= lr/bc1 * perturb."""

    def _step(self):
        h = self.h
        b1, b2 = h["beta1"], h["beta2"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["step"] = 0
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
            st["step"] += 1
            t = st["step"]
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            st["m"].mul_(b1).add_(g, alpha=1 - b1)
            st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (st["v"].sqrt() / math.sqrt(bc2)).add_(h["eps"])
            step_size = h["lr"] / bc1
            if h["nesterov"]:
                perturb = (b1 * st["m"] + (1 - b1) * g) / denom
            else:
                perturb = st["m"] / denom
            ratio = 1.0
            if p.dim() > 1:
                perturb, ratio = _project(p, g, perturb, h["delta"], h["wdRatio"], h["eps"])
            if h["weightDecay"] > 0:
                p.mul_(1 - h["lr"] * h["weightDecay"] * ratio)
            p.add_(perturb, alpha=-step_size)


class SGDP(_Base):
    """Heo et al. 2021. buf = mu*buf + (1-dampening) g (buf starts at ZERO); d = g + mu*buf if Nesterov
    else buf (the same tensor: the projection then also rewrites buf); projected as in AdamP (cosine test
    on the raw g); theta *= 1 - lr*wd*ratio/(1-mu); theta -= lr*d."""

    def _step(self):
        h = self.h
        mu = h["momentum"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["buf"] = torch.zeros_like(p)
            buf = st["buf"]
            buf.mul_(mu).add_(g, alpha=1 - h["dampening"])
            d = g + mu * buf if h["nesterov"] else buf
            ratio = 1.0
            if p.dim() > 1:
                d, ratio = _project(p, g, d, h["delta"], h["wdRatio"], h["eps"])
            if h["weightDecay"] != 0:
                p.mul_(1 - h["lr"] * h["weightDecay"] * ratio / (1 - mu))
            p.add_(d, alpha=-h["lr"])


# -------------------------------------------------------------------------------------------- AdaBelief

class AdaBelief(_Base):
    """Zhuang et al. 2020, reference package 0.2.1.
        decay: weightDecouple -> theta *= 1 - lr*wd (fixedDecay: 1 - wd); else g += wd*theta
        m = b1 m + (1-b1) g;  s = b2 s + (1-b2)(g - m)^2;  s += eps (stored!)
        amsgrad: smax = max(smax, s), used in the un-rectified denominator only
        no rectify: theta -= lr/bc1 * m / (sqrt(s)/sqrt(bc2) + eps)
        rectify (RAdam): rho_t >= 5 -> theta -= lr*r * m/(sqrt(s)+eps); else if degeneratedToSgd
                         theta -= lr/bc1 * m; else no update."""

    def _step(self):
        h = self.h
        b1, b2, eps, lr, wd = h["beta1"], h["beta2"], h["eps"], h["lr"], h["weightDecay"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["step"] = 0
                st["m"] = torch.zeros_like(p)
                st["s"] = torch.zeros_like(p)
                st["smax"] = torch.zeros_like(p)
            if h["weightDecouple"]:
                p.mul_(1.0 - wd if h["fixedDecay"] else 1.0 - lr * wd)
            elif wd != 0:
                g = g.add(p, alpha=wd)
            st["step"] += 1
            t = st["step"]
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            m, s = st["m"], st["s"]
            m.mul_(b1).add_(g, alpha=1 - b1)
            r = g - m
            s.mul_(b2).addcmul_(r, r, value=1 - b2)
            if h["amsgrad"]:
                torch.max(st["smax"], s.add_(eps), out=st["smax"])
                denom = (st["smax"].sqrt() / math.sqrt(bc2)).add_(eps)
            else:
                denom = (s.add_(eps).sqrt() / math.sqrt(bc2)).add_(eps)
            if not h["rectify"]:
                p.addcdiv_(m, denom, value=-lr / bc1)
                continue
            b2t = b2 ** t
            rho_inf = 2 / (1 - b2) - 1
            rho = rho_inf - 2 * t * b2t / (1 - b2t)
            if rho >= 5:
                step_size = math.sqrt((1 - b2t) * (rho - 4) / (rho_inf - 4) * (rho - 2) / rho * rho_inf
                                      / (rho_inf - 2)) / (1 - b1 ** t)
                p.addcdiv_(m, s.sqrt().add_(eps), value=-step_size * lr)
            elif h["degeneratedToSgd"]:
                p.add_(m, alpha=-(1.0 / (1 - b1 ** t)) * lr)


# ------------------------------------------------------------------------------------------------- SPAM

class Spam(_Base):
    """Huang et al. 2025, reference step of TianjinYellow/SPAM-Optimizer (all params dense).
    Global counters total (starts 0) and cur (starts warmupSteps+1). Per step:
        scale = 1 - D(cur), D(k) = 0.99*(1+cos(pi k/(N+1)))/2 for k < N else 0   (N = warmupSteps)
        if (total+1) % deltaT == 0: m = v = 0                  (t is not reset)
        t += 1
        clip if threshold != 0 and total+1 >= A and (total+1) % deltaT >= A   (A = gradAccuSteps):
            where g^2 > threshold*v: g = sign(g)*sqrt(threshold*v)     (v = v_{t-1}, raw)
        m, v Adam EMAs; theta -= (lr*sqrt(bc2)/bc1)*scale * m/(sqrt(v)+eps); theta -= lr*wd*theta
        total += 1; cur += 1; if (total+1) % deltaT == 0: cur = 0."""

    def __init__(self, params, **h):
        super().__init__(params, **h)
        self.total = 0
        self.cur = int(h["warmupSteps"]) + 1

    def _warm(self):
        n = int(self.h["warmupSteps"])
        if self.cur >= n:
            return 0.0
        return 0.99 * (1 + math.cos(math.pi * self.cur / (n + 1))) / 2

    def _step(self):
        h = self.h
        b1, b2 = h["beta1"], h["beta2"]
        dT, acc, thr = int(h["deltaT"]), int(h["gradAccuSteps"]), h["threshold"]
        scale = 1 - self._warm()
        for p, st in zip(self.params, self.state):
            g = p.grad.clone()
            if not st:
                st["step"] = 0
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
            if (self.total + 1) % dT == 0:
                st["m"].zero_()
                st["v"].zero_()
            st["step"] += 1
            t = st["step"]
            m, v = st["m"], st["v"]
            if thr != 0 and self.total + 1 >= acc and (self.total + 1) % dT >= acc:
                spike = g ** 2 > thr * v
                g[spike] = g[spike].sign() * torch.sqrt(v[spike] * thr)
            m.mul_(b1).add_(g, alpha=1.0 - b1)
            v.mul_(b2).addcmul_(g, g, value=1.0 - b2)
            denom = v.sqrt().add_(h["eps"])
            step_size = h["lr"] * math.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
            p.addcdiv_(m, denom, value=-step_size * scale)
            if h["weightDecay"] > 0.0:
                p.add_(p, alpha=-h["lr"] * h["weightDecay"])
        self.total += 1
        self.cur += 1
        if (self.total + 1) % dT == 0:
            self.cur = 0


# ---------------------------------------------------------------------------------------- D-Adaptation

class DAdaptSGD(_Base):
    """Defazio & Mishchenko 2023, dadapt_sgd.py. Group state k, d (= d0), num, g0norm; per param s, x0.
        k = 0: g0norm = ||g|| (without decay);  dlr = d*lr/g0norm
        g += wd*theta; num += dlr*<g, s>; s += dlr*g; d_hat = 2 num/||s||; d = max(d, min(d_hat, d*growth))
        if ||s|| == 0: no step;  z = x0 - s; theta = (1-ck) theta + ck z, ck = 1 - momentum; k += 1"""

    def __init__(self, params, **h):
        super().__init__(params, **h)
        self.k = 0
        self.d = h["d0"]
        self.num = 0.0
        self.g0 = None

    def _step(self):
        h = self.h
        lr, wd, ck = h["lr"], h["weightDecay"], 1 - h["momentum"]
        if self.k == 0:
            self.g0 = math.sqrt(sum((p.grad * p.grad).sum().item() for p in self.params))
        dlr = self.d * lr / self.g0
        sk_sq = 0.0
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["z"] = p.clone()
                st["s"] = torch.zeros_like(p)
                st["x0"] = p.clone()
            if wd != 0:
                g = g.add(p, alpha=wd)
            s = st["s"]
            self.num += dlr * torch.dot(g.flatten(), s.flatten()).item()
            s.add_(g, alpha=dlr)
            sk_sq += (s * s).sum().item()
        if lr > 0.0:
            d_hat = 2 * self.num / math.sqrt(sk_sq)
            self.d = max(self.d, min(d_hat, self.d * h["growthRate"]))
        if sk_sq == 0:
            return
        for p, st in zip(self.params, self.state):
            st["z"].copy_(st["x0"] - st["s"])
            p.mul_(1 - ck).add_(st["z"], alpha=ck)
        self.k += 1


class DAdaptAdam(_Base):
    """Defazio & Mishchenko 2023, dadapt_adam.py (layer_scale 1).
        bc = sqrt(1-b2^(k+1))/(1-b1^(k+1)) if biasCorrection else 1; dlr = d*lr*bc
        coupled decay g += wd*theta unless decouple
        acc += dlr*<g, s/(sqrt(v_old)+eps)>; m = b1 m + dlr(1-b1) g; v = b2 v + (1-b2) g^2
        s = sqrt(b2) s + dlr(1-sqrt(b2)) g; l1 = ||s||_1
        numw = sqrt(b2) numw + (1-sqrt(b2)) acc; if l1 == 0: no step
        d = max(d, min(numw/((1-sqrt(b2)) l1), d*growth))
        decouple: theta -= wd*dlr*theta;  theta -= m/(sqrt(v)+eps);  k += 1"""

    def __init__(self, params, **h):
        super().__init__(params, **h)
        self.k = 0
        self.d = h["d0"]
        self.numw = 0.0

    def _step(self):
        h = self.h
        b1, b2, eps, lr, wd = h["beta1"], h["beta2"], h["eps"], h["lr"], h["weightDecay"]
        decouple = bool(h["decouple"])
        if h["biasCorrection"]:
            bc = ((1 - b2 ** (self.k + 1)) ** 0.5) / (1 - b1 ** (self.k + 1))
        else:
            bc = 1
        dlr = self.d * lr * bc
        sb2 = b2 ** 0.5
        acc = 0.0
        l1 = 0.0
        for p, st in zip(self.params, self.state):
            g = p.grad
            if wd != 0 and not decouple:
                g = g.add(p, alpha=wd)
            if not st:
                st["s"] = torch.zeros_like(p)
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
            m, v, s = st["m"], st["v"], st["s"]
            denom = v.sqrt().add_(eps)
            acc += dlr * torch.dot(g.flatten(), s.div(denom).flatten()).item()
            m.mul_(b1).add_(g, alpha=dlr * (1 - b1))
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            s.mul_(sb2).add_(g, alpha=dlr * (1 - sb2))
            l1 += s.abs().sum().item()
        self.numw = sb2 * self.numw + (1 - sb2) * acc
        if l1 == 0:
            return
        if lr > 0.0:
            d_hat = self.numw / ((1 - sb2) * l1)
            self.d = max(self.d, min(d_hat, self.d * h["growthRate"]))
        for p, st in zip(self.params, self.state):
            denom = st["v"].sqrt().add_(eps)
            if wd != 0 and decouple:
                p.add_(p, alpha=-wd * dlr)
            p.addcdiv_(st["m"], denom, value=-1)
        self.k += 1


# ------------------------------------------------------------------------------------------ AdaGrad-Norm

class AdaGradNorm(_Base):
    """Ward, Wu & Bottou 2019: one scalar for all parameters, b^2 = b0^2 + sum_j ||g_j||^2 (the current
    gradient included), theta -= (lr/b) g."""

    def __init__(self, params, **h):
        super().__init__(params, **h)
        self.b2 = h["b0"] ** 2

    def _step(self):
        self.b2 += sum((p.grad * p.grad).sum().item() for p in self.params)
        c = self.h["lr"] / math.sqrt(self.b2)
        for p in self.params:
            p.add_(p.grad, alpha=-c)


# ---------------------------------------------------------------------------------------------- NAdam

class NAdam(_Base):
    """Dozat 2016 as in torch.optim.NAdam 2.x (coupled L2 only). torch 1.13, the version available here,
    has a bug fixed in 2.0: it multiplies mu_t into the product twice (mu_product_next = prod*mu*mu_next).
        g += wd*theta; mu_t = b1 (1 - 0.5*0.96^(t*psi)), psi = momentumDecay; P_t = prod_{i<=t} mu_i
        m = b1 m + (1-b1) g (torch: lerp); v = b2 v + (1-b2) g^2; denom = sqrt(v/bc2) + eps
        theta -= lr (1-mu_t)/(1-P_t) * g/denom + lr mu_{t+1}/(1-P_t mu_{t+1}) * m/denom"""

    def _step(self):
        h = self.h
        b1, b2, lr, psi = h["beta1"], h["beta2"], h["lr"], h["momentumDecay"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["step"] = 0
                st["prod"] = 1.0
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
            st["step"] += 1
            t = st["step"]
            bc2 = 1 - b2 ** t
            if h["weightDecay"] != 0:
                g = g.add(p, alpha=h["weightDecay"])
            mu = b1 * (1. - 0.5 * (0.96 ** (t * psi)))
            mu_next = b1 * (1. - 0.5 * (0.96 ** ((t + 1) * psi)))
            st["prod"] *= mu
            st["m"].lerp_(g, 1 - b1)
            st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = st["v"].div(bc2).sqrt().add_(h["eps"])
            prod_next = st["prod"] * mu_next
            p.addcdiv_(g, denom, value=-lr * (1. - mu) / (1. - st["prod"]))
            p.addcdiv_(st["m"], denom, value=(-lr * mu_next) / (1. - prod_next))


# ---------------------------------------------------------------------------------------- optax forms

def _trust_ratio(p, u, coefficient, eps):
    """optax.scale_by_trust_ratio (min_norm 0): coefficient*||p||/(||u||+eps), 1 if either norm is 0."""
    pn, un = p.norm().item(), u.norm().item()
    if pn == 0.0 or un == 0.0:
        return 1.0
    return coefficient * pn / (un + eps)


class Lion(_Base):
    """Chen et al. 2023, optax.lion: u = sign(b1 m + (1-b1) g) + wd*theta; theta -= lr*u;
    m = b2 m + (1-b2) g (the momentum is updated AFTER it is used)."""

    def _step(self):
        h = self.h
        b1, b2 = h["beta1"], h["beta2"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["m"] = torch.zeros_like(p)
            m = st["m"]
            u = torch.sign((1 - b1) * g + b1 * m) + h["weightDecay"] * p
            p.add_(-h["lr"] * u)
            m.copy_((1 - b2) * g + b2 * m)


class Lamb(_Base):
    """You et al. 2020, optax.lamb = chain(scale_by_adam(b1, b2, eps, eps_root=0),
    add_decayed_weights(wd), scale_by_trust_ratio(), scale_by_learning_rate(lr)):
        u = (m/bc1)/(sqrt(v/bc2) + eps) + wd*theta;  theta -= lr * (||theta||/||u||) * u."""

    def _step(self):
        h = self.h
        b1, b2 = h["beta1"], h["beta2"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["t"] = 0
                st["m"] = torch.zeros_like(p)
                st["v"] = torch.zeros_like(p)
            st["t"] += 1
            t = st["t"]
            st["m"].copy_((1 - b1) * g + b1 * st["m"])
            st["v"].copy_((1 - b2) * g ** 2 + b2 * st["v"])
            mhat = st["m"] / (1 - b1 ** t)
            vhat = st["v"] / (1 - b2 ** t)
            u = mhat / (torch.sqrt(vhat) + h["eps"])
            u = u + h["weightDecay"] * p
            u = u * _trust_ratio(p, u, 1.0, 0.0)
            p.add_(-h["lr"] * u)


class Lars(_Base):
    """You et al. 2017, optax.lars = chain(add_decayed_weights(wd), scale_by_trust_ratio(tc, eps),
    scale_by_learning_rate(lr), trace(momentum, nesterov)):
        u = g + wd*theta; u *= tc*||theta||/(||u||+eps) (1 if a norm is 0); u = -lr*u
        buf = u + mu*buf (starts at 0); theta += (u + mu*buf if nesterov else buf)."""

    def _step(self):
        h = self.h
        mu = h["momentum"]
        for p, st in zip(self.params, self.state):
            g = p.grad
            if not st:
                st["buf"] = torch.zeros_like(p)
            u = g + h["weightDecay"] * p
            u = u * _trust_ratio(p, u, h["trustCoefficient"], h["eps"])
            u = -h["lr"] * u
            st["buf"].copy_(u + mu * st["buf"])
            p.add_(u + mu * st["buf"] if h["nesterov"] else st["buf"])


REFERENCE = {
    "adabound": AdaBound, "adamp": AdamP, "sgdp": SGDP, "adabelief": AdaBelief, "spam": Spam,
    "dadaptsgd": DAdaptSGD, "dadaptadam": DAdaptAdam, "adagradnorm": AdaGradNorm,
    "lion": Lion, "lamb": Lamb, "lars": Lars, "nadam": NAdam,
}
"""Java optimizer name -> reference class."""
