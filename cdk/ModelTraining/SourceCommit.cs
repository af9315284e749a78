using System.Diagnostics;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>The commit being synthesized, recorded in every registered model package.</summary>
public static class SourceCommit
{
    /// <summary>
    /// CODEBUILD_RESOLVED_SOURCE_VERSION when synthesized by the asset pipeline, else <c>git rev-parse HEAD</c>
    /// in <paramref name="repositoryRoot"/>, else "unknown" (e.g. a source archive without .git).
    /// </summary>
    public static string Resolve(string repositoryRoot)
    {
        var fromBuild = Environment.GetEnvironmentVariable("CODEBUILD_RESOLVED_SOURCE_VERSION");
        if (!string.IsNullOrWhiteSpace(fromBuild))
        {
            return fromBuild.Trim();
        }

        try
        {
            var start = new ProcessStartInfo("git", "rev-parse HEAD")
            {
                WorkingDirectory = repositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var git = Process.Start(start);
            if (git is null)
            {
                return "unknown";
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && output.Length >= 7 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
