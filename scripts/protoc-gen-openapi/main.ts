// protoc-gen-openapi's entry point: buf runs it as a local plugin through tsx (buf.gen.yaml),
// a CodeGeneratorRequest on stdin, the response on stdout.
import { runNodeJs } from "@bufbuild/protoplugin";
import { openapiPlugin } from "./plugin.js";

runNodeJs(openapiPlugin);
