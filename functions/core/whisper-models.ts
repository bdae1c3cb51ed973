/**
 * The ggml speech models the render image may bake in (build arg `WHISPER_MODEL`), with the sha256
 * the image build verifies. The Dockerfile repeats these values as ARGs (Docker cannot import
 * TypeScript); a test keeps both in step. Models without `.en` are multilingual: they transcribe
 * (and detect) any of whisper's languages; `.en` models are English only, a little more accurate
 * on English. The default follows VideoCraft's: multilingual `base`.
 */
export const WHISPER_MODEL_BASE_URL = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

const model = (name: string, sha256: string, multilingual: boolean) => ({
  file: `ggml-${name}.bin`,
  url: `${WHISPER_MODEL_BASE_URL}/ggml-${name}.bin`,
  sha256,
  multilingual,
});

export const WHISPER_MODELS = {
  tiny: model("tiny", "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21", true),
  "tiny.en": model("tiny.en", "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f", false),
  base: model("base", "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe", true),
  "base.en": model("base.en", "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002", false),
  small: model("small", "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b", true),
  "small.en": model("small.en", "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d", false),
} as const;

export type WhisperModelName = keyof typeof WHISPER_MODELS;

export const DEFAULT_WHISPER_MODEL: WhisperModelName = "base";

export const isWhisperModelName = (name: string): name is WhisperModelName =>
  Object.hasOwn(WHISPER_MODELS, name);

/** The known model whose sha256 this is, if any. */
export const whisperModelBySha256 = (sha256: string): WhisperModelName | undefined =>
  (Object.keys(WHISPER_MODELS) as WhisperModelName[]).find((name) => WHISPER_MODELS[name].sha256 === sha256);
