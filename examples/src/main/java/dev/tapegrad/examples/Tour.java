package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.DualLevel;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.StateDicts;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import dev.tapegrad.optim.Schedules;
import dev.tapegrad.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The README's tour, runnable: each method holds one README snippet verbatim (a test checks that the README
 * and this file agree, and runs this program).
 */
public final class Tour {
    private Tour() {}

    public static void main(String[] args) throws IOException {
        tensors();
        backward();
        secondOrder();
        forwardMode();
        propertyCheck();
        optimizer();
        weights();
        checkpoint();
    }

    static void tensors() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // float64, shape [2, 3]
        Tensor b = Tensor.of(new double[] {10, 20, 30});               // shape [3]
        Tensor c = a.add(b);                                           // broadcasting: [2, 3]
        Tensor t = a.transpose(0, 1);                                  // a view: no copy, shape [3, 2]
        Tensor r = Tensor.randn(new Generator(42), DType.FLOAT32, 4, 3); // seeded: same numbers every run
        System.out.println(c.sum(1) + "\n" + t.matmul(a) + "\n" + r.softmax(-1).sum(-1));
    }

    static void backward() {
        Tensor w = Tensor.of(new double[] {0.5, -1.0}).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor loss = x.matmul(w).tanh().square().mean();               // recorded on the tape
        loss.backward();                                                // reverse sweep
        System.out.println(w.grad());                                   // ∂loss/∂w
        try (var scope = Autograd.noGrad()) {                           // nothing recorded in here
            w.addInPlace(w.grad(), -0.1);                               // a gradient-descent step
        }
    }

    static void secondOrder() {
        // Hessian-vector product of f(x) = Σ xᵢ³ (H = diag(6x)), by differentiating the gradient again.
        Tensor x = Tensor.of(new double[] {1, -2, 0.5});
        Tensor v = Tensor.of(new double[] {1, 1, 1});
        System.out.println(Autograd.hvp(t -> t.pow(3).sum(), x, v));    // [6, -12, 3]
    }

    static void forwardMode() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0});
        Tensor v = Tensor.of(new double[] {1, 0, 0});
        Autograd.Jvp r = Autograd.jvp(t -> t.sin().mul(t), x, v);       // f(x) and J·v in one pass
        System.out.println(r.tangent());                                // [sin 0.5 + 0.5 cos 0.5, 0, 0]
        try (DualLevel level = Autograd.dualLevel()) {                  // tangents on a model's parameters
            level.setTangent(x, v);
            System.out.println(level.tangent(x.exp()));                 // eˣ·v
        }
    }

    static void propertyCheck() {
        Function<List<Tensor>, Tensor> f = xs -> xs.get(0).sub(xs.get(1)).tanh().mul(xs.get(0)).sum();
        Property.forAll(TensorGen.broadcastTensors(2, TensorGen.values(-2, 2)))
                .check(xs -> { GradCheck.check(f, xs); GradCheck.checkSecondOrder(f, xs); });
    }

    static void optimizer() {
        Map<String, Tensor> params = Map.of("w", Tensor.zeros(DType.FLOAT64, 3).requiresGrad(true));
        Optimizer opt = Optimizer.builder(Optimizers.adamW())
                .params(params)
                .set("weightDecay", 0.01)
                .schedule("lr", Schedules.warmup(10, 0.0, Schedules.cosineClamped(1e-2, 90, 0.0)))
                .build();
        Tensor target = Tensor.of(new double[] {1, -2, 3});
        for (int step = 0; step < 100; step++) {
            opt.zeroGrad();
            params.get("w").sub(target).square().sum().backward();
            opt.step();
        }
        opt.stateDict().save(Path.of(System.getProperty("java.io.tmpdir"), "tour-optimizer.bin")); // resumable
        System.out.println(params.get("w"));
    }

    static void weights() throws IOException {
        Sequential mlp = Mlp.builder(8).hidden(16, ActivationModule::tanh).out(4).build(new Generator(1)); // float32
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "tour-mlp.safetensors");
        StateDicts.save(mlp, file);                    // 0.weight [16, 8], 0.bias, 2.weight [4, 16], 2.bias
        Sequential copy = Mlp.builder(8).hidden(16, ActivationModule::tanh).out(4).build(new Generator(2));
        StateDicts.load(copy, file);                   // every name, shape and dtype must match, or nothing loads
        System.out.println(copy.stateDict().keySet());
    }

    static void checkpoint() throws IOException {
        Generator gen = new Generator(7);
        Sequential net = Mlp.builder(4).hidden(8, ActivationModule::tanh).out(1).build(gen);
        Optimizer opt = Optimizer.builder(Optimizers.adamW()).params(net.namedParameters()).set("lr", 0.01).build();
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "tour-run.ckpt");
        Checkpoint.builder(net, opt, 100).generator("data", gen).build().save(file);   // atomic: old or new file, never torn

        Checkpoint saved = Checkpoint.load(file);      // every entry read with a size cap and checked
        saved.restoreInto(net, opt, Map.of("data", gen)); // all or nothing: on any mismatch nothing changes
        System.out.println("resume after step " + saved.step());
    }
}
