#!/usr/bin/env node
import { createApp } from "./create-app.js";

createApp().app.synth();
