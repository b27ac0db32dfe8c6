/** Neural-network modules, layers, losses and initialisers for tapegrad. */
module dev.tapegrad.nn {
    requires transitive dev.tapegrad.engine;
    exports dev.tapegrad.nn;
}
