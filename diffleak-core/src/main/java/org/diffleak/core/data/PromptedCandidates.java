package org.diffleak.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Members and non-members for a text-conditioned web API: read at the first member's shape (or resized to a
 * given one), each labelled with the index of its prompt: its caption from a captions file, or one fixed
 * prompt for all.
 *
 * @param prompts the prompt of each label
 * @param promptNote one line for the report on where the prompts came from
 */
public record PromptedCandidates(CandidateImages members, CandidateImages nonMembers, int channels, int height,
        int width, List<String> prompts, String promptNote) {

    /**
     * @param height with width: resize every image to height×width (0: the first member's own size, which every
     *     image must then have)
     * @param captions a {@code path,caption} CSV ({@link Captions}), or null for the fixed prompt
     */
    public static PromptedCandidates read(Path members, Path nonMembers, int height, int width, String captions,
            String prompt) {
        int[] first = CandidateImages.firstShape(members, "--members");
        boolean resize = height > 0;
        int c = first[0] == 1 ? 1 : 3;
        int h = resize ? height : first[1];
        int w = resize ? width : first[2];
        CandidateImages m = CandidateImages.read(members, c, h, w, resize, "--members");
        CandidateImages n = CandidateImages.read(nonMembers, c, h, w, resize, "--non-members");
        if (captions != null) {
            Captions.Vocabulary v = Captions.read(Path.of(captions))
                    .index(List.of(Map.entry(m, members), Map.entry(n, nonMembers)));
            return new PromptedCandidates(m.withLabels(v.indices().get(0)), n.withLabels(v.indices().get(1)), c, h, w,
                    v.prompts(), "each candidate's caption from " + captions + " (" + v.prompts().size()
                            + " distinct prompt" + (v.prompts().size() == 1 ? "" : "s") + ")");
        }
        return new PromptedCandidates(m.withLabels(new int[m.size()]), n.withLabels(new int[n.size()]), c, h, w,
                List.of(prompt), "one fixed prompt for every candidate, \"" + prompt + "\" (no --captions): the"
                        + " generation attack compares every candidate with the same generated images");
    }
}
