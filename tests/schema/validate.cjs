#!/usr/bin/env node
// validate.cjs: check peerfeed post files against doc/schema (JSON Schema
// 2020-12) with ajv in strict mode.
//
// usage: node validate.cjs SCHEMADIR FILE...
// Prints "ok FILE" or "invalid FILE: <errors>" per file; exits 1 if any
// file is invalid, 2 on usage or schema errors.  ajv and ajv-formats are
// found through NODE_PATH (or a node_modules next to this file).
'use strict';

const fs = require('fs');
const path = require('path');

function load(name) {
	try {
		return require(name);
	} catch (e) {
		console.error(`validate.cjs: cannot load ${name} (set NODE_PATH): ${e.message}`);
		process.exit(2);
	}
}

const Ajv2020 = load('ajv/dist/2020').default;
const addFormats = load('ajv-formats').default;

function main(argv) {
	if (argv.length < 2) {
		console.error('usage: node validate.cjs SCHEMADIR FILE...');
		return 2;
	}
	const dir = argv[0];
	const ajv = new Ajv2020({ strict: true, allErrors: true });
	addFormats(ajv);
	let validate;
	try {
		for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort())
			ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
		const post = JSON.parse(fs.readFileSync(path.join(dir, 'post.json'), 'utf8'));
		validate = ajv.getSchema(post.$id);
	} catch (e) {
		console.error(`validate.cjs: bad schema in ${dir}: ${e.message}`);
		return 2;
	}
	let bad = 0;
	for (const file of argv.slice(1)) {
		let doc;
		try {
			doc = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch (e) {
			console.log(`invalid ${file}: not JSON: ${e.message}`);
			bad++;
			continue;
		}
		if (validate(doc)) {
			console.log(`ok ${file}`);
			continue;
		}
		const why = validate.errors
		    .map((e) => `${e.instancePath || '/'} ${e.message}`)
		    .join('; ');
		console.log(`invalid ${file}: ${why}`);
		bad++;
	}
	return bad > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
