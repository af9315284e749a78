using System.Diagnostics;
using System.Security.Cryptography;

namespace EdgeComponent.Tests.Prerequisites;

/// <summary>
/// The device prerequisites install script's logic, run by bash against recording stand-ins for the package managers
/// (<see cref="PrerequisitesScriptHarness"/>). The real run in a Debian root is scripts/device-prereqs-check.sh.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallDevicePrerequisitesScriptTests : IDisposable
{
    private readonly PrerequisitesScriptHarness _system = new();

    public void Dispose() => _system.Dispose();

    [Fact]
    public void Script_is_valid_bash()
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", PrerequisitesScriptHarness.ScriptPath]) { RedirectStandardError = true })!;
        var errors = bash.StandardError.ReadToEnd();
        bash.WaitForExit();

        Assert.True(bash.ExitCode == 0, errors);
    }

    [Fact]
    public void Device_with_a_newer_runtime_and_libturbojpeg_is_left_untouched_even_without_root()
    {
        _system.DotnetOnPath("10.0.12");
        _system.TurbojpegInstalled = true;
        _system.AsRoot = false;

        var run = _system.Run();

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Microsoft.NETCore.App >= 8: 10.0.12", run.Output);
        Assert.Contains("nothing to do", run.Output);
        Assert.Empty(run.Calls);
    }

    [Fact]
    public void Check_fails_when_the_only_runtime_is_older_than_the_required_major()
    {
        _system.DotnetOnPath("6.0.36", "7.0.20");
        _system.TurbojpegInstalled = true;

        var run = _system.Run("--check");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Microsoft.NETCore.App >= 8: missing", run.Output);
        Assert.Empty(run.Changes);
    }

    [Fact]
    public void Check_picks_the_highest_qualifying_runtime()
    {
        _system.DotnetOnPath("6.0.36", "8.0.11", "8.0.2", "9.0.1");
        _system.TurbojpegInstalled = true;

        var run = _system.Run("--check", "--dotnet-major", "8");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(">= 8: 9.0.1;", run.Output);
    }

    [Fact]
    public void Debian_without_the_runtime_in_apt_adds_microsofts_feed_then_installs_the_runtime_and_libturbojpeg()
    {
        var run = _system.Run("--dry-run");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Empty(run.Changes);
        var planned = Planned(run);
        Assert.Equal(
        [
            "apt-get update -q",
            "env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends libturbojpeg0",
            "env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends ca-certificates curl",
            "curl -fsSL --retry 3 -o /tmp/packages-microsoft-prod.deb https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb",
            "dpkg -i /tmp/packages-microsoft-prod.deb",
            "rm -f /tmp/packages-microsoft-prod.deb",
            "apt-get update -q",
            "env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends dotnet-runtime-8.0",
        ], planned);
    }

    [Fact]
    public void Ubuntu_with_the_runtime_in_its_own_archive_installs_it_without_microsofts_feed()
    {
        _system.OsRelease("ubuntu", "24.04", "debian");
        _system.AptPackages = "libturbojpeg0 dotnet-runtime-8.0";
        _system.TurbojpegInstalled = true;

        var planned = Planned(_system.Run("--dry-run"));

        Assert.Equal(["apt-get update -q", "env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends dotnet-runtime-8.0"], planned);
    }

    [Fact]
    public void Fails_without_touching_the_device_when_apt_lacks_the_runtime_and_the_feed_is_not_allowed()
    {
        _system.TurbojpegInstalled = true;

        var run = _system.Run("--microsoft-feed", "false");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("apt has no package dotnet-runtime-8.0 and --microsoft-feed is false", run.Output);
        Assert.DoesNotContain(run.Changes, c => IsAptInstall(c) || c.StartsWith("dpkg", StringComparison.Ordinal));
    }

    [Fact]
    public void Amazon_linux_installs_both_with_dnf()
    {
        _system.OsRelease("amzn", "2023", "fedora");

        var planned = Planned(_system.Run("--dry-run"));

        // By the soname capability RPM generates, whatever the package is called in the release's repositories.
        Assert.Equal(["dnf install -y libturbojpeg.so.0()(64bit)", "dnf install -y dotnet-runtime-8.0"], planned);
    }

    [Theory]
    [InlineData("aarch64", "libturbojpeg.so.0()(64bit)")]
    [InlineData("armv7l", "libturbojpeg.so.0")]
    public void Dnf_asks_for_the_soname_capability_of_the_machine_word_size(string machine, string capability)
    {
        _system.OsRelease("fedora", "40");
        _system.Machine = machine;

        var planned = Planned(_system.Run("--dry-run"));

        Assert.Equal($"dnf install -y {capability}", planned[0]);
    }

    [Fact]
    public void Package_names_can_be_overridden()
    {
        _system.OsRelease("amzn", "2023", "fedora");

        var planned = Planned(_system.Run("--dry-run", "--dotnet-package", "dotnet-runtime-9.0", "--turbojpeg-package", "libjpeg-turbo"));

        Assert.Equal(["dnf install -y libjpeg-turbo", "dnf install -y dotnet-runtime-9.0"], planned);
    }

    [Fact]
    public void Tarball_install_unpacks_the_runtime_links_dotnet_installs_its_libraries_and_then_has_nothing_to_do()
    {
        _system.TurbojpegInstalled = true;
        var tarball = _system.RuntimeTarball("8.0.11");
        var installDir = Path.Combine(_system.Root, "opt", "dotnet");
        var binDir = Path.Combine(_system.Root, "usr-local-bin");
        string[] arguments =
        [
            "--dotnet-source", "tarball", "--dotnet-tarball", tarball, "--dotnet-tarball-sha512", Sha512(tarball),
            "--dotnet-install-dir", installDir, "--bin-dir", binDir,
        ];

        var first = _system.Run(arguments);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("SHA-512 of the tarball matches", first.Output);
        Assert.Contains("prerequisites installed: Microsoft.NETCore.App 8.0.11", first.Output);
        Assert.Equal(Path.Combine(installDir, "dotnet"), File.ResolveLinkTarget(Path.Combine(binDir, "dotnet"), returnFinalTarget: false)!.FullName);
        Assert.True(Directory.Exists(Path.Combine(installDir, "shared", "Microsoft.NETCore.App", "8.0.11")));
        Assert.False(Directory.Exists(installDir + ".new"));
        var install = Assert.Single(first.Changes, IsAptInstall);
        foreach (var library in new[] { "ca-certificates", "libicu72", "libssl3", "zlib1g", "libstdc++6" })
        {
            Assert.Contains($" {library}", install);
        }

        var second = _system.Run(arguments);

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("nothing to do", second.Output);
        Assert.Empty(second.Changes);
    }

    [Fact]
    public void Tarball_with_the_wrong_sha512_installs_nothing()
    {
        _system.TurbojpegInstalled = true;
        var tarball = _system.RuntimeTarball("8.0.11");
        var installDir = Path.Combine(_system.Root, "opt", "dotnet");

        var run = _system.Run("--dotnet-source", "tarball", "--dotnet-tarball", tarball, "--dotnet-tarball-sha512", new string('a', 128), "--dotnet-install-dir", installDir, "--bin-dir", Path.Combine(_system.Root, "bin2"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing was installed", run.Output);
        Assert.False(Directory.Exists(installDir));
    }

    [Fact]
    public void Fails_listing_every_bad_argument_at_once()
    {
        var run = _system.Run("--dotnet-source", "zip", "--dotnet-major", "five", "--microsoft-feed", "maybe", "--dotnet-install-dir", "relative/dir");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--dotnet-source 'zip' must be package or tarball", run.Output);
        Assert.Contains("--dotnet-major 'five' must be a whole number >= 6", run.Output);
        Assert.Contains("--microsoft-feed 'maybe' must be true or false", run.Output);
        Assert.Contains("--dotnet-install-dir 'relative/dir' must be an absolute path", run.Output);
        Assert.Empty(run.Calls);
    }

    [Theory]
    [InlineData("https://example.com/dotnet-runtime.tar.gz", "is a URL: give its --dotnet-tarball-sha512")]
    [InlineData("http://example.com/dotnet-runtime.tar.gz", "must use https://")]
    [InlineData("", "--dotnet-source tarball needs --dotnet-tarball")]
    public void Fails_when_a_tarball_source_is_not_safe_to_use(string tarball, string message)
    {
        var run = _system.Run("--dotnet-source", "tarball", "--dotnet-tarball", tarball);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Output);
    }

    [Fact]
    public void Fails_on_an_unknown_option()
    {
        var run = _system.Run("--dotnet-version", "8");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown option '--dotnet-version'", run.Output);
    }

    [Fact]
    public void Fails_on_an_operating_system_without_apt_or_dnf()
    {
        _system.OsRelease("alpine", "3.20");

        var run = _system.Run("--dry-run");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unsupported operating system 'alpine'", run.Output);
    }

    [Fact]
    public void Refuses_to_install_without_root()
    {
        _system.AsRoot = false;

        var run = _system.Run();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("installing needs root", run.Output);
        Assert.Empty(run.Changes);
    }

    /// <summary>The commands a dry run says it would run, in order.</summary>
    internal static IReadOnlyList<string> Planned(ScriptRun run)
    {
        Assert.True(run.ExitCode == 0, run.Output);
        const string marker = "would run: ";
        return [.. run.Output.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..])];
    }

    private static bool IsAptInstall(string call) =>
        call.StartsWith("apt-get ", StringComparison.Ordinal) && call.Contains(" install ", StringComparison.Ordinal);

    private static string Sha512(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA512.HashData(stream));
    }
}
