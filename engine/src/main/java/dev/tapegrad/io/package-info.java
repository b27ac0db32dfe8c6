/**
 * Files: {@link dev.tapegrad.io.AtomicFile}, the one way tapegrad replaces a file on disk, so that a crash or a
 * failed save never leaves a torn or half-written file behind.
 */
package dev.tapegrad.io;
