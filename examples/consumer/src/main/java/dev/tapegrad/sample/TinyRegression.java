package dev.tapegrad.sample;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.StateDicts;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Fits y = sin(3·x₀)·x₁ with a small MLP and AdamW, then saves the weights and loads them into a new MLP. */
public final class TinyRegression {
    public static void main(String[] args) throws Exception {
        Generator gen = new Generator(0);
        Tensor x = Tensor.rand(gen, 64, 2).mul(2).sub(1);                    // 64 points in [-1, 1)²
        Tensor y = x.slice(1, 0, 1).mul(3).sin().mul(x.slice(1, 1, 2));      // targets, shape [64, 1]

        Sequential net = Mlp.builder(2).hidden(32, ActivationModule::tanh).out(1).build(gen);
        Optimizer opt = Optimizer.builder(Optimizers.adamW())
                .params(net.namedParameters())
                .set("lr", 0.01)
                .build();
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(net.forward(x), y);
            loss.backward();
            opt.step();
            last = loss.item();
            if (step == 0) first = last;
            if (step % 50 == 0 || step == 299) System.out.printf("step %3d  loss %.5f%n", step, last);
        }

        Path file = Files.createTempFile("tiny-regression", ".safetensors");
        StateDicts.save(net, file);                                          // the state dict, as safetensors
        Sequential copy = Mlp.builder(2).hidden(32, ActivationModule::tanh).out(1).build(new Generator(1));
        StateDicts.load(copy, file);
        Files.delete(file);
        boolean same = Arrays.equals(net.forward(x).toDoubleArray(), copy.forward(x).toDoubleArray());
        System.out.println("reloaded model gives the same outputs: " + same);
        if (!(last < first / 10) || !same) System.exit(1);
    }
}
