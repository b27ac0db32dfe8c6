/**
 * Gradient checking and property-based testing, as features users get: {@code GradCheck} compares analytic
 * gradients with central differences; the property harness generates random inputs, shrinks failures and
 * prints the seed that replays them.
 */
package dev.tapegrad.check;
