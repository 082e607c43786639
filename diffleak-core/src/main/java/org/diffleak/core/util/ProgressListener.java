package org.diffleak.core.util;

/** Receives progress of long work (training, sampling); the CLI renders it as a bar or log lines. */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void update(long done, String status) {}

        @Override
        public void finish(String summary) {}
    };

    /** Work named `task` of `total` units begins. */
    void start(String task, long total);

    /** `done` units are finished; status is a short free text such as "loss 0.0412". */
    void update(long done, String status);

    void finish(String summary);
}
