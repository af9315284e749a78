using System.Diagnostics;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Packaging;

namespace EdgeComponent.Tests.Prerequisites;

/// <summary>The outcome of one run of the install script.</summary>
public sealed record ScriptRun(int ExitCode, string Output, IReadOnlyList<string> Calls)
{
    /// <summary>Calls of the package manager and downloaders (apt-cache queries excluded: they change nothing).</summary>
    public IReadOnlyList<string> Changes => [.. Calls.Where(c => !c.StartsWith("apt-cache ", StringComparison.Ordinal))];
}

/// <summary>
/// Runs <c>install-device-prerequisites.sh</c> against a made-up system: PATH holds only recording stand-ins for
/// apt-get, apt-cache, dpkg, dnf and curl (each logs its arguments; apt-cache answers from a package list), for
/// ldconfig (lists libturbojpeg.so.0 or not), id (root or not) and optionally dotnet (lists the given runtimes), plus
/// links to the real coreutils, tar and sha512sum. The OS comes from an os-release file of the test's choosing.
/// What it does not prove: that the real package managers accept these commands (the Debian root check does that
/// for apt; dnf is not run here).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrerequisitesScriptHarness : IDisposable
{
    private static readonly string[] RealTools =
    [
        "bash", "sh", "env", "cat", "grep", "sed", "awk", "sort", "tail", "head", "tr", "mktemp", "rm", "mkdir", "mv",
        "ln", "tar", "gzip", "sha512sum", "readlink", "dirname", "basename", "chmod", "printf",
    ];

    private readonly TempFolder _folder = new();

    public PrerequisitesScriptHarness()
    {
        Bin = Path.Combine(_folder.Path, "bin");
        Directory.CreateDirectory(Bin);
        foreach (var tool in RealTools)
        {
            var real = new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{tool} is not installed");
            File.CreateSymbolicLink(Path.Combine(Bin, tool), real);
        }

        CallLog = Path.Combine(_folder.Path, "calls.log");
        File.WriteAllText(CallLog, string.Empty);
        foreach (var recorder in new[] { "apt-get", "dpkg", "dnf", "curl" })
        {
            Stub(recorder, $"echo \"{recorder} $*\" >> \"{CallLog}\"");
        }

        Stub("apt-cache", $$"""
            echo "apt-cache $*" >> "{{CallLog}}"
            case "$1" in
              show) for p in $APT_PACKAGES; do [ "$p" = "${@: -1}" ] && exit 0; done; exit 100 ;;
              search) for p in $APT_PACKAGES; do case "$p" in libicu[0-9]*) echo "$p - International Components for Unicode" ;; esac; done ;;
            esac
            """);
        Stub("ldconfig", """[ "$TURBOJPEG" = "yes" ] && echo "	libturbojpeg.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0"; exit 0""");
        Stub("id", """[ "$1" = "-u" ] && echo "$FAKE_UID" || echo "uid=$FAKE_UID" """);
        Stub("uname", """[ "$1" = "-m" ] && echo "$FAKE_MACHINE" || echo Linux""");
        OsRelease("debian", "12");
    }

    public string Bin { get; }

    public string CallLog { get; }

    public string Root => _folder.Path;

    public static string ScriptPath => Path.Combine(RepositoryPaths.Root, DevicePrerequisitesRecipeProps.ScriptPath);

    /// <summary>Whether ldconfig lists libturbojpeg.so.0. Default: no.</summary>
    public bool TurbojpegInstalled { get; set; }

    /// <summary>Packages apt-cache knows. Default: libturbojpeg0 and libicu72 (Debian 12 without Microsoft's feed).</summary>
    public string AptPackages { get; set; } = "libturbojpeg0 libicu72";

    /// <summary>What `uname -m` prints. Default: x86_64.</summary>
    public string Machine { get; set; } = "x86_64";

    /// <summary>Whether the script runs as root. Default: yes.</summary>
    public bool AsRoot { get; set; } = true;

    /// <summary>A `dotnet` on PATH that lists these Microsoft.NETCore.App versions; none means no dotnet. Default: none.</summary>
    public void DotnetOnPath(params string[] runtimeVersions) =>
        Stub("dotnet", string.Join("\n", runtimeVersions.Select(v => $"echo \"Microsoft.NETCore.App {v} [/usr/share/dotnet/shared/Microsoft.NETCore.App]\"")));

    public void OsRelease(string id, string versionId, string idLike = "") =>
        File.WriteAllText(Path.Combine(_folder.Path, "os-release"), $"ID={id}\nVERSION_ID=\"{versionId}\"\nID_LIKE=\"{idLike}\"\n");

    /// <summary>
    /// A tarball laid out like Microsoft's runtime tarball whose `dotnet` lists <paramref name="runtimeVersion"/> from
    /// wherever it is unpacked. Returns its path.
    /// </summary>
    public string RuntimeTarball(string runtimeVersion)
    {
        var layout = Path.Combine(_folder.Path, "tarball-layout");
        Directory.CreateDirectory(Path.Combine(layout, "shared", "Microsoft.NETCore.App", runtimeVersion));
        var dotnet = Path.Combine(layout, "dotnet");
        File.WriteAllText(dotnet, $"#!/bin/bash\nhere=\"$(dirname \"$(readlink -f \"$0\")\")\"\necho \"Microsoft.NETCore.App {runtimeVersion} [$here/shared/Microsoft.NETCore.App]\"\n");
        File.SetUnixFileMode(dotnet, (UnixFileMode)0b111_101_101);
        var tarball = Path.Combine(_folder.Path, $"dotnet-runtime-{runtimeVersion}-linux-x64.tar.gz");
        var tar = Process.Start(new ProcessStartInfo("tar", ["-czf", tarball, "-C", layout, "dotnet", "shared"]))!;
        tar.WaitForExit();
        return tarball;
    }

    /// <summary>Runs the script (or <paramref name="command"/>, a bash command line) with the given arguments.</summary>
    public ScriptRun Run(params string[] arguments) => RunCommand(null, arguments);

    public ScriptRun RunCommand(string? command, params string[] arguments)
    {
        File.WriteAllText(CallLog, string.Empty);
        var start = new ProcessStartInfo(Path.Combine(Bin, "bash"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder.Path,
        };
        if (command is null)
        {
            start.ArgumentList.Add(ScriptPath);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = Bin;
        start.Environment["HOME"] = _folder.Path;
        start.Environment["EDGEMLOPS_OS_RELEASE_FILE"] = Path.Combine(_folder.Path, "os-release");
        start.Environment["APT_PACKAGES"] = AptPackages;
        start.Environment["TURBOJPEG"] = TurbojpegInstalled ? "yes" : "no";
        start.Environment["FAKE_UID"] = AsRoot ? "0" : "1000";
        start.Environment["FAKE_MACHINE"] = Machine;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the install script did not finish");
        }

        return new ScriptRun(process.ExitCode, stdout.Result + stderr.Result, [.. File.ReadAllLines(CallLog)]);
    }

    public void Dispose() => _folder.Dispose();

    private void Stub(string name, string body)
    {
        var path = Path.Combine(Bin, name);
        File.Delete(path); // a link to a real tool, or nothing (Delete ignores a missing file)
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }
}
