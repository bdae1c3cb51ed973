import {
  ASS,
  audio,
  completed,
  EVIL,
  failedWith,
  type HostileCase,
  type HostileMedia,
  hostileSuite,
  laxCase,
  oneSource,
  rawCase,
  rejected,
  scenes,
  strictCase,
  tiny,
} from "../support/hostile-suite.js";

/**
 * Hostile requests against the real API and render workers on the embedded stack (the table
 * runner, both stacks and the media are in test/support/hostile-suite.ts). Each row states its exact
 * outcome; afterwards no job may be left queued/processing, no response may have been a 5xx, and the
 * log must hold no ERROR line. More rows can live in other files that call `hostileSuite` too.
 *
 * Covered at unit level, not here: an allowed URL that redirects to a forbidden one (every hop is
 * re-checked: test/unit/safe-fetch.test.ts "safeFetchToFile checks every redirect hop"), because
 * the strict stack only fetches https and there is no trusted TLS server to run locally.
 */

function cases({ file }: HostileMedia): HostileCase[] {
  const s = strictCase;
  const l = laxCase;
  const raw = rawCase;
  const tone = () => audio(file("tone.wav"));
  const src0 = "scenes[0].elements[0].src";
  return [
    // SSRF: schemes refused at submit, addresses refused by the fetcher.
    s("http://127.0.0.1 (plain http)", oneSource("http://127.0.0.1/a.wav"), rejected(src0)),
    s("https://localhost", oneSource("https://localhost/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://0.0.0.0", oneSource("https://0.0.0.0/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "https://169.254.169.254 (metadata)",
      oneSource("https://169.254.169.254/latest/meta-data/iam/security-credentials/"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("https://[::1]", oneSource("https://[::1]/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "https://[::ffff:127.0.0.1]",
      oneSource("https://[::ffff:127.0.0.1]/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s(
      "https://2130706433 (decimal 127.0.0.1)",
      oneSource("https://2130706433/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("https://0177.0.0.1 (octal)", oneSource("https://0177.0.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://0x7f000001 (hex)", oneSource("https://0x7f000001/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://10.0.0.1", oneSource("https://10.0.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://172.16.0.1", oneSource("https://172.16.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://192.168.1.1", oneSource("https://192.168.1.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://100.64.0.1 (CGNAT)", oneSource("https://100.64.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://[fd00::1] (IPv6 ULA)", oneSource("https://[fd00::1]/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "DNS rebinding: public-looking name → 10.1.2.3",
      oneSource("https://media.rebind.test/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s(
      "DNS: one public + one loopback answer",
      oneSource("https://cdn.mixed.test/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("file:///etc/passwd (outside the allowed dir)", oneSource("file:///etc/passwd"), rejected(src0)),
    s("file:// with ../ out of the dir", oneSource(`${file("x")}/../../../../etc/passwd`), rejected(src0)),
    s(
      "file:// symlink inside the dir → /etc/passwd",
      oneSource(file("escape.wav")),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("ftp: scheme", oneSource("ftp://example.com/a.wav"), rejected(src0)),
    s("gopher: scheme", oneSource("gopher://127.0.0.1:6379/_FLUSHALL"), rejected(src0)),
    s("data: scheme", oneSource("data:audio/wav;base64,UklGRg=="), rejected(src0)),
    s("s3:// another bucket", oneSource("s3://someone-elses-bucket/uploads/a.wav"), rejected(src0)),
    s(
      "s3:// outside uploads/",
      oneSource("s3://videocraft-local/uploads/../jobs/x/request.json"),
      rejected(src0),
    ),

    // Size and time.
    s(
      "file:// source over the size cap (3 MB > 2 MB)",
      oneSource(file("huge.wav")),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "http source over the cap, with Content-Length",
      oneSource("{origin}/big-declared.wav"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "http source over the cap, chunked (no Content-Length)",
      oneSource("{origin}/big-chunked.wav"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l("slow source past the read timeout", oneSource("{origin}/slow.wav"), failedWith("SOURCE_UNREACHABLE")),
    l(
      "trickling source past the total download deadline",
      oneSource("{origin}/trickle.wav"),
      failedWith("TIMEOUT"),
    ),

    // Media that is not what it claims.
    s("text file as audio", oneSource(file("not-media.wav")), failedWith("SOURCE_INVALID_MEDIA")),
    s(
      "truncated MP4 as video",
      oneSource(file("truncated.mp4"), "video"),
      failedWith("SOURCE_INVALID_MEDIA"),
    ),
    s(
      "PNG bomb 20000×20000 (ffmpeg refuses the size)",
      oneSource(file("bomb-20000.png"), "image"),
      failedWith("SOURCE_INVALID_MEDIA"),
    ),
    s(
      "PNG bomb 16000×16000 (> 8192² pixel cap)",
      oneSource(file("bomb-16000.png"), "image"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    s("audio of 0 s", oneSource(file("zero.wav")), failedWith("SOURCE_INVALID_MEDIA")),
    s(
      "4-hour audio timing a scene (> 3600 s cap, found after probing)",
      { resolution: "160x120", scenes: [{ elements: [audio(file("four-hours.flac"))] }] },
      failedWith("SOURCE_TOO_LARGE"),
    ),
    s(
      "4-hour scene duration (> 3600 s cap, found at validation)",
      { resolution: "160x120", scenes: [{ duration: 14400, elements: [tone()] }] },
      rejected("scenes[0].duration"),
    ),
    s(
      "4-hour audio trimmed to 0.5 s (the cap is on the output)",
      tiny([audio(file("four-hours.flac"), { duration: 0.5 })]),
      completed,
    ),

    // ffmpeg filter syntax in every string field: refused by a pattern, or rendered as inert data.
    s("filter syntax in comment", tiny([tone()], { comment: EVIL }), completed),
    s("filter syntax in element comment", tiny([{ ...tone(), comment: EVIL }]), completed),
    s(
      "filter syntax in element id (+ subtitles.audio)",
      tiny([
        audio(file("tone.wav"), { id: EVIL }),
        { type: "subtitles", audio: EVIL, words: [{ word: "hi", start: 0, end: 0.3 }] },
      ]),
      completed,
    ),
    s("filter syntax in scene id", tiny([tone()], {}, { id: EVIL }), rejected("scenes[0].id")),
    s(
      "filter syntax in background-color",
      tiny([tone()], { "background-color": EVIL }),
      rejected("background-color"),
    ),
    s(
      "filter syntax in a subtitle colour",
      tiny([tone(), { type: "subtitles", settings: { "word-color": EVIL } }]),
      rejected("scenes[0].elements[1].settings.word-color"),
    ),
    s(
      "filter syntax in subtitle position",
      tiny([tone(), { type: "subtitles", settings: { position: EVIL } }]),
      rejected("scenes[0].elements[1].settings.position"),
    ),
    s(
      "filter syntax in font-family",
      tiny([
        tone(),
        { type: "subtitles", settings: { "font-family": EVIL }, words: [{ word: "hi", start: 0, end: 0.3 }] },
      ]),
      completed,
    ),
    s(
      "filter syntax in subtitles text",
      tiny([tone(), { type: "subtitles", text: `${EVIL} hello` }]),
      completed,
    ),
    s(
      "filter syntax in subtitles language",
      tiny([tone(), { type: "subtitles", language: EVIL, words: [{ word: "hi", start: 0, end: 0.3 }] }]),
      rejected("scenes[0].elements[1].language"),
    ),
    s(
      "filter syntax in a word",
      tiny([tone(), { type: "subtitles", words: [{ word: EVIL, start: 0, end: 0.3 }] }]),
      completed,
    ),
    s("filter syntax in the src file name", tiny([audio(file("we;ird[0:v]'x,y=z\\q.wav"))]), completed),
    s(
      "filter syntax in the src query",
      tiny([audio(`${file("tone.wav")}?x=[0:a];amovie='/etc/passwd'`)]),
      completed,
    ),
    s("filter syntax in resolution", tiny([tone()], { resolution: "160x120;x" }), rejected("resolution")),
    s(
      "filter syntax in resize",
      tiny([{ type: "image", src: file("small.png"), resize: EVIL }, tone()]),
      rejected("scenes[0].elements[0].resize"),
    ),
    s(
      "ASS override tags in caption words",
      tiny([tone(), { type: "subtitles", words: [{ word: ASS, start: 0, end: 0.3 }] }]),
      completed,
    ),

    // Structure, numbers, types.
    s(
      "10,000 elements in a scene",
      tiny(Array.from({ length: 10_000 }, () => ({ type: "image", src: "https://example.com/a.png" }))),
      rejected("scenes[0].elements"),
    ),
    s(
      "201 scenes",
      scenes(201, { duration: 1, elements: [{ type: "image", src: "https://example.com/a.png" }] }),
      rejected("scenes"),
    ),
    raw(
      "JSON nested 1,000 deep",
      `{"scenes":${"[".repeat(1000)}${"]".repeat(1000)}}`,
      rejected("", 400, "INVALID_JSON"),
    ),
    raw(
      "2 MiB body",
      JSON.stringify({ comment: "x".repeat(2 * 1024 * 1024), scenes: [] }),
      rejected("", 413, "PAYLOAD_TOO_LARGE"),
    ),
    raw(
      "1.5 MiB body",
      JSON.stringify({ comment: "x".repeat(1.5 * 1024 * 1024), scenes: [] }),
      rejected("", 413, "PAYLOAD_TOO_LARGE"),
    ),
    raw("literal NaN", '{"scenes":[{"duration":NaN,"elements":[]}]}', rejected("", 400, "INVALID_JSON")),
    raw("literal Infinity", '{"fps":Infinity,"scenes":[]}', rejected("", 400, "INVALID_JSON")),
    raw(
      "1e999 (Infinity after parsing)",
      '{"resolution":"160x120","scenes":[{"duration":1e999,"elements":[{"type":"image","src":"https://e.com/a.png"}]}]}',
      rejected("scenes[0].duration"),
    ),
    raw("empty body", "", rejected("", 400, "INVALID_JSON")),
    raw("trailing garbage", '{"scenes":[]} x', rejected("", 400, "INVALID_JSON")),
    s("body is null", null, rejected("")),
    s("body is a string", "a project", rejected("")),
    s("negative duration", tiny([tone()], {}, { duration: -1 }), rejected("scenes[0].duration")),
    s(
      "negative volume",
      tiny([audio(file("tone.wav"), { volume: -0.5 })]),
      rejected("scenes[0].elements[0].volume"),
    ),
    s("fps 1e6", tiny([tone()], { fps: 1e6 }), rejected("fps")),
    s(
      "fractional pixel x",
      tiny([{ type: "image", src: file("small.png"), x: 1.5 }]),
      rejected("scenes[0].elements[0].x"),
    ),
    s("duration as a string", tiny([tone()], {}, { duration: "5" }), rejected("scenes[0].duration")),
    s("scenes as an object", { resolution: "160x120", scenes: { 0: {} } }, rejected("scenes")),
    s(
      "element type unknown",
      tiny([{ type: "shader", src: file("tone.wav") }]),
      rejected("scenes[0].elements[0].type"),
    ),
    s("odd width", tiny([tone()], { resolution: "custom", width: 161, height: 120 }), rejected("width")),
    s("8K output", tiny([tone()], { resolution: "7680x4320" }), rejected("resolution")),
    s(
      "duplicate scene ids",
      {
        resolution: "160x120",
        scenes: [
          { id: "a", duration: 1, elements: [tone()] },
          { id: "a", duration: 1, elements: [tone()] },
        ],
      },
      rejected("scenes[1].id"),
    ),
    s("unknown key", tiny([tone()], {}, { colour: "#ff0000" }), rejected("scenes[0].colour")),
    s("__proto__ key", JSON.parse(`{"__proto__":${JSON.stringify(tiny([tone()]))}}`), rejected("__proto__")),
    s(
      "z-index and z_index both",
      tiny([{ type: "image", src: file("small.png"), "z-index": 1, z_index: 2 }]),
      rejected("scenes[0].elements[0].z_index"),
    ),
    s("comment over 10,000 characters", tiny([tone()], { comment: "c".repeat(10_001) }), rejected("comment")),
    s(
      "21 projects in one array",
      Array.from({ length: 21 }, () => tiny([tone()])),
      rejected(""),
    ),

    // Configured limits (lax stack: 3 scenes, 4 elements, 10 s, 640x360, 100x100 px).
    l(
      "VIDEOCRAFT_MAX_SCENES=3: 4 scenes",
      scenes(4, { duration: 1, elements: [{ type: "image", src: "{origin}/a.png" }] }),
      rejected("scenes"),
    ),
    l(
      "VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE=4: 5 elements",
      tiny(Array.from({ length: 5 }, () => ({ type: "image", src: "{origin}/a.png" }))),
      rejected("scenes[0].elements"),
    ),
    l(
      "VIDEOCRAFT_MAX_VIDEO_SECONDS=10: 2 × 6 s",
      scenes(2, { duration: 6, elements: [{ type: "image", src: "{origin}/a.png" }] }),
      rejected("scenes[1].duration"),
    ),
    l(
      "VIDEOCRAFT_MAX_RESOLUTION=640x360: 1280x720",
      tiny([{ type: "image", src: "{origin}/a.png" }], { resolution: "1280x720" }),
      rejected("resolution"),
    ),
    l(
      "VIDEOCRAFT_MAX_VIDEO_SECONDS=10: scene timed by 11 s audio",
      { resolution: "160x120", scenes: [{ elements: [audio(file("eleven-seconds.flac"))] }] },
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "VIDEOCRAFT_MAX_SOURCE_PIXELS=100x100: 200×200 image",
      oneSource(file("px200.png"), "image"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
  ];
}

hostileSuite("hostile inputs", cases, { minCases: 40 });
