package org.diffleak.core.membership.blackbox;

import org.diffleak.core.membership.blackbox.A1111Target;

/**
 * How an audit of the owner's model reaches a served model and compares its answers, beside the
 * {@link org.diffleak.core.config.AuditRequest}: the web API client's settings, prompts, image size, an ONNX image encoder, and the
 * bearer token of a {@code diffleak serve} endpoint.
 *
 * @param api the AUTOMATIC1111-style client's settings (its cache directory: null for the audit's default)
 * @param captions a {@code path,caption} CSV giving each candidate its prompt, or null
 * @param prompt the prompt of every candidate when there are no captions
 * @param height with width: resize every candidate to height×width (0: the images' own size)
 * @param encoder an ONNX image encoder for the encoder-cosine similarity, or null
 * @param token the bearer token of a {@code diffleak serve --token} endpoint, or null
 */
public record BlackBoxAccess(A1111Target.Options api, String captions, String prompt, int height, int width,
        String encoder, String token) {

    /** The prompt a web API audit uses without captions. */
    public static final String DEFAULT_PROMPT = "a photo";

    public BlackBoxAccess {
        api = api == null ? A1111Target.Options.defaults() : api;
        prompt = prompt == null ? DEFAULT_PROMPT : prompt;
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new IllegalArgumentException("--size must be WIDTHxHEIGHT (or N for N×N), both ≥ 1");
        }
    }

    /** The defaults: no captions (the prompt "a photo"), the images' own size, no encoder, no token. */
    public static BlackBoxAccess defaults() {
        return new BlackBoxAccess(null, null, null, 0, 0, null, null);
    }

    public BlackBoxAccess withApi(A1111Target.Options a) {
        return new BlackBoxAccess(a, captions, prompt, height, width, encoder, token);
    }

    public BlackBoxAccess withCaptions(String c) {
        return new BlackBoxAccess(api, c, prompt, height, width, encoder, token);
    }

    public BlackBoxAccess withPrompt(String p) {
        return new BlackBoxAccess(api, captions, p, height, width, encoder, token);
    }

    public BlackBoxAccess withSize(int h, int w) {
        return new BlackBoxAccess(api, captions, prompt, h, w, encoder, token);
    }

    public BlackBoxAccess withEncoder(String e) {
        return new BlackBoxAccess(api, captions, prompt, height, width, e, token);
    }

    public BlackBoxAccess withToken(String t) {
        return new BlackBoxAccess(api, captions, prompt, height, width, encoder, t);
    }
}
