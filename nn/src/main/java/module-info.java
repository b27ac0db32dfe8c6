/** Neural-network modules, layers, losses and initialisers for tapegrad. */
module dev.tapegrad.nn {
    requires transitive dev.tapegrad.engine;
    // API packages are exported as they gain classes (the layers arrive with their own issue).
}
