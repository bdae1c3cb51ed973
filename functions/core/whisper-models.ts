/**
 * The ggml speech models the render image may bake in (build arg `WHISPER_MODEL`), with the sha256
 * the image build verifies. The Dockerfile repeats these values as ARGs (Docker cannot import
 * TypeScript); a test keeps both in step.
 */
export const WHISPER_MODEL_BASE_URL = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

export const WHISPER_MODELS = {
  "tiny.en": {
    file: "ggml-tiny.en.bin",
    url: `${WHISPER_MODEL_BASE_URL}/ggml-tiny.en.bin`,
    sha256: "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f",
  },
  "base.en": {
    file: "ggml-base.en.bin",
    url: `${WHISPER_MODEL_BASE_URL}/ggml-base.en.bin`,
    sha256: "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002",
  },
} as const;

export type WhisperModelName = keyof typeof WHISPER_MODELS;

export const isWhisperModelName = (name: string): name is WhisperModelName =>
  Object.hasOwn(WHISPER_MODELS, name);
