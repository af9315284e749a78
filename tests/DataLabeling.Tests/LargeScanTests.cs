using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Labeling.FindUnlabeledImages;
using EdgeMlOps.Testing.Storage;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>
/// The scan at production size, on an in-memory listing (s3rver cannot hold a million objects in a test): work and
/// memory follow the new objects, not what is stored, and sidecars are never downloaded.
/// </summary>
public sealed class LargeScanTests
{
    private const string Bucket = "data";
    private const string Captures = "images/captured/";

    private static readonly SyntheticCaptures Fleet = new();

    [Fact]
    public async Task Lists_only_the_new_objects_and_the_last_known_day_of_each_device_among_a_million()
    {
        var store = Fleet.Build();
        Assert.Equal(1_000_000, store.Count);
        Assert.Equal((100_000, 200_000), (Fleet.NewImageCount, Fleet.SidecarCount));

        // No S3 client at all: a sidecar (or anything) downloaded would throw.
        var outcome = await new IncrementalImageScan(store, sniffer: null)
            .ScanAsync(Bucket, [Captures], Captures, Fleet.PreviousPositions(), new SkipTally());

        // Day 28 holds old images 68 and 69 (and their sidecars) per device: 4 listed again, plus the 20 new.
        Assert.Equal(10_000 * (20 + 4), outcome.ListedObjectCount);
        Assert.Equal(10_000 * (10 + 2), outcome.SidecarCount);
        Assert.Equal(10_000, outcome.DeviceFolderCount);
        Assert.Equal(10_000 * (10 + 2), outcome.Images.Count);
        Assert.Equal(100_000, outcome.Images.Count(i => i.Key.Contains("/new", StringComparison.Ordinal)));
        Assert.All(outcome.Positions.Values, p => Assert.EndsWith("/2026/12/03/", p, StringComparison.Ordinal));
        Assert.Equal(outcome.ListedObjectCount, store.ReturnedKeys);
    }

    [Fact]
    public async Task A_scan_with_nothing_new_lists_only_each_devices_last_day()
    {
        var fleet = Fleet with { Devices = 1_000 };
        var store = fleet.Build();
        var first = await new IncrementalImageScan(store, null).ScanAsync(Bucket, [Captures], Captures, fleet.PreviousPositions(), new SkipTally());
        var again = await new IncrementalImageScan(store, null).ScanAsync(Bucket, [Captures], Captures, first.Positions, new SkipTally());

        Assert.Equal(1_000 * 20, again.ListedObjectCount); // only 3 December, listed again
        Assert.Equal(first.Positions, again.Positions);
    }

    [Fact]
    public void A_devices_image_and_its_sidecar_restart_at_the_same_day_folder()
    {
        var at = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
        var image = EdgeMlOps.Contracts.CaptureLayout.ImageKey(Captures, "cam-1", at, "abc");
        var sidecar = EdgeMlOps.Contracts.CaptureLayout.SidecarKey(Captures, "cam-1", at, "abc");
        Assert.True(EdgeMlOps.Contracts.CaptureLayout.IsSidecar(sidecar));
        Assert.Equal($"{Captures}cam-1/2026/12/03/", CaptureScanPosition.RestartAfter(image));
        Assert.Equal(CaptureScanPosition.RestartAfter(image), CaptureScanPosition.RestartAfter(sidecar));
    }
}
