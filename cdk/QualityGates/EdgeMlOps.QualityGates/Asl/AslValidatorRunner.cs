using System.Reflection;
using System.Text.Json;
using EdgeMlOps.QualityGates.Tools;

namespace EdgeMlOps.QualityGates.Asl;

public sealed record AslValidationError(string Code, string Message);

public sealed record AslValidationResult(string File, bool Valid, IReadOnlyList<AslValidationError> Errors);

/// <summary>
/// Runs asl-validator (its JavaScript API, with ARN and path checks on) over many files in one Node process.
/// Files are validated as written: <c>${Placeholder}</c> values are strings, which the validator accepts
/// (a <c>Resource</c> of the form <c>${X}</c> is explicitly allowed by its schema).
/// </summary>
public sealed class AslValidatorRunner(string validatorPackage, string node = "node")
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    public IReadOnlyList<AslValidationResult> Validate(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return [];
        }

        if (!Directory.Exists(validatorPackage))
        {
            throw new DirectoryNotFoundException($"asl-validator is not installed at {validatorPackage} (run npm install --ignore-scripts)");
        }

        var output = ProcessRunner.Run(node, ["-e", DriverScript(), validatorPackage, .. files], ProcessRunner.HangGuard);
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"asl-validator driver failed ({output.ExitCode}): {output.StandardError.Trim()}");
        }

        return JsonSerializer.Deserialize<List<AslValidationResult>>(output.StandardOutput, s_json)
            ?? throw new InvalidOperationException("asl-validator driver printed no results");
    }

    private static string DriverScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("validate-asl.cjs")
            ?? throw new InvalidOperationException("validate-asl.cjs is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
