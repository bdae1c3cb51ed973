/*
 * Speaks a text with libespeak-ng and writes what a listener hears together with when each word
 * starts, as espeak-ng itself schedules it: the ground truth for alignment tests on continuous speech.
 *
 *   espeak-word-events <voice> <words-per-minute> <out.raw> <text>
 *
 * out.raw: the synthesised audio, signed 16-bit little-endian mono PCM.
 * stdout:  "rate <Hz>", then one "word <ms> <text position> <length>" line per word event
 *          (text position: 1-based character offset of the word in <text>), then "samples <count>".
 */
#include <espeak-ng/speak_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static long samples;

static int on_synth(short *wav, int count, espeak_EVENT *events) {
  if (wav && count > 0) {
    fwrite(wav, sizeof(short), (size_t)count, out);
    samples += count;
  }
  for (espeak_EVENT *e = events; e && e->type != espeakEVENT_LIST_TERMINATED; e++) {
    if (e->type == espeakEVENT_WORD) printf("word %d %d %d\n", e->audio_position, e->text_position, e->length);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s <voice> <words-per-minute> <out.raw> <text>\n", argv[0]);
    return 2;
  }
  int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0);
  if (rate <= 0 || espeak_SetVoiceByName(argv[1]) != EE_OK) {
    fprintf(stderr, "espeak-ng: cannot initialise voice %s\n", argv[1]);
    return 1;
  }
  espeak_SetParameter(espeakRATE, atoi(argv[2]), 0);
  espeak_SetSynthCallback(on_synth);
  out = fopen(argv[3], "wb");
  if (!out) {
    perror(argv[3]);
    return 1;
  }
  printf("rate %d\n", rate);
  espeak_ERROR err = espeak_Synth(argv[4], strlen(argv[4]) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
  espeak_Synchronize();
  fclose(out);
  if (err != EE_OK) {
    fprintf(stderr, "espeak-ng: synthesis failed (%d)\n", err);
    return 1;
  }
  printf("samples %ld\n", samples);
  return 0;
}
