package org.diffleak.core.data;

/**
 * Which images to use.
 *
 * @param dataset fashion-mnist, mnist, or folder
 * @param path directory of the data (null = the dataset's default location)
 * @param attributes CelebA-style attributes file for a folder, or null
 * @param channels channels a folder's images are converted to
 * @param size side a folder's images are resized to
 * @param split which split of the splits to train on: public, members, nonmembers, auxiliary or all
 * @param limit at most this many images of the split (0 = all)
 */
public record DataConfig(String dataset, String path, String attributes, int channels, int size, String split,
        int limit) {

    public DataConfig {
        if (limit < 0) {
            throw new IllegalArgumentException("data limit must be ≥ 0, got " + limit);
        }
    }
}
