// Validates ASL files with asl-validator's API in one Node process.
// argv: <asl-validator package folder> <file>...; prints [{file, valid, errors: [{code, message}]}] as JSON.
"use strict";
const fs = require("fs");
const [validatorPackage, ...files] = process.argv.slice(1);
const validate = require(validatorPackage);
const results = files.map((file) => {
  let definition;
  try {
    definition = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    // A ${Placeholder} outside a string value (e.g. where a number belongs) lands here: it is not JSON.
    return { file, valid: false, errors: [{ code: "NOT_JSON", message: String(err.message) }] };
  }
  try {
    const result = validate(definition, { checkArn: true, checkPaths: true });
    return {
      file,
      valid: result.isValid,
      errors: result.errors.map((e) => ({ code: String(e["Error code"] ?? ""), message: String(e.Message ?? JSON.stringify(e)) })),
    };
  } catch (err) {
    return { file, valid: false, errors: [{ code: "VALIDATOR_EXCEPTION", message: String(err && err.stack || err) }] };
  }
});
process.stdout.write(JSON.stringify(results));
