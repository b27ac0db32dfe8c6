package dev.tapegrad.train;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: missing, unreadable, not a complete tapegrad checkpoint, out of range, or not
 * matching the model and optimizer it is restored into. The message is one line, {@code checkpoint PATH is not
 * usable: REASON}; {@link #reason()} is the part after the colon.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** A checkpoint at {@code source} (a file name, or a description of an in-memory checkpoint) that is unusable for {@code reason}. */
    public CheckpointException(String source, String reason) {
        this(source, reason, null);
    }

    /** As {@link #CheckpointException(String, String)}, keeping the exception that revealed the problem. */
    public CheckpointException(String source, String reason, Throwable cause) {
        super("checkpoint " + source + " is not usable: " + reason, cause);
        this.reason = reason;
    }

    /** Why the checkpoint is unusable. */
    public String reason() {
        return reason;
    }
}
