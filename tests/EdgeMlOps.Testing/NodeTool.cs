using System.Diagnostics;

namespace EdgeMlOps.Testing;

/// <summary>
/// Where the Node.js tools used by tests live: the <c>node</c> executable and the repository's <c>node_modules</c>.
/// </summary>
public static class NodeTool
{
    /// <summary>Environment variable that overrides the node executable. Default when unset: <c>node</c> from PATH.</summary>
    public const string NodeExecutableVariable = "EDGEMLOPS_NODE";

    /// <summary>The node executable to start.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable(NodeExecutableVariable) is { Length: > 0 } configured ? configured : "node";

    /// <summary>Full path of a file inside the repository's <c>node_modules</c>, checked to exist.</summary>
    /// <exception cref="FileNotFoundException">The file is missing: run <c>npm install --ignore-scripts</c> at the repository root.</exception>
    public static string ModuleFile(params string[] segments)
    {
        var path = Path.Combine([RepositoryRoot.Path, "node_modules", .. segments]);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"'{path}' is missing: run 'npm install --ignore-scripts' in {RepositoryRoot.Path}.", path);
        }

        return path;
    }

    /// <summary>A start description for <c>node [nodeOptions] script args…</c> with redirected standard streams.</summary>
    internal static ProcessStartInfo StartInfo(string script, IEnumerable<string> arguments, params string[] nodeOptions)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
            StandardInputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var option in nodeOptions)
        {
            startInfo.ArgumentList.Add(option);
        }

        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }
}
