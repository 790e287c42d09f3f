#!/usr/bin/env node
// The ajv peer of rt-validate for make bench: read NDJSON line by line,
// JSON.parse and validate each record with a compiled ajv schema (draft
// 2020-12, formats asserted like rt-validate --formats), print the valid
// lines, count the invalid ones on stderr.
// Usage: node bench/validate-ajv.js SCHEMA [FILE]
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const fd = process.argv[3] ? fs.openSync(process.argv[3], 'r') : 0;
const buf = Buffer.alloc(1 << 20);
const out = [];
let rest = '', n, invalid = 0, outlen = 0;

function flush() {
	fs.writeSync(1, out.join(''));
	out.length = 0;
	outlen = 0;
}

function line(s) {
	if (s.length === 0)
		return;
	if (validate(JSON.parse(s))) {
		out.push(s, '\n');
		if ((outlen += s.length) > 1 << 20)
			flush();
	} else {
		invalid++;
	}
}

while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
	const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
	rest = lines.pop();
	for (const s of lines)
		line(s);
}
line(rest);
flush();
process.stderr.write(`invalid: ${invalid}\n`);
process.exit(invalid ? 1 : 0);
