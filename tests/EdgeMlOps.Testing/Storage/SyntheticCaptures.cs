using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Testing.Storage;

/// <summary>
/// A capture bucket as a fleet fills it (the edge component's layout
/// <c>&lt;capturePrefix&gt;&lt;thing&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;hash&gt;.jpg</c> plus <c>.json</c> sidecars): per device
/// <see cref="OldImagesPerDevice"/> images from 1–28 November of which the last
/// <see cref="OldSidecarsPerDevice"/> have sidecars, and <see cref="NewImagesPerDevice"/> new images with sidecars on
/// 3 December. The default, 10,000 devices, is 1,000,000 objects: 100,000 new images and 200,000 sidecars.
/// </summary>
public sealed record SyntheticCaptures
{
    /// <summary>Devices, each with its own folder. Default: 10,000.</summary>
    public int Devices { get; init; } = 10_000;

    /// <summary>Images a previous scan already saw, per device. Default: 70.</summary>
    public int OldImagesPerDevice { get; init; } = 70;

    /// <summary>Sidecars of the newest old images, per device. Default: 10.</summary>
    public int OldSidecarsPerDevice { get; init; } = 10;

    /// <summary>New images, each with a sidecar, per device. Default: 10.</summary>
    public int NewImagesPerDevice { get; init; } = 10;

    /// <summary>The capture prefix. Default: images/captured/.</summary>
    public string CapturePrefix { get; init; } = "images/captured/";

    /// <summary>Objects in the bucket.</summary>
    public int ObjectCount => Devices * (OldImagesPerDevice + OldSidecarsPerDevice + 2 * NewImagesPerDevice);

    /// <summary>New images (not seen by the previous scan).</summary>
    public int NewImageCount => Devices * NewImagesPerDevice;

    /// <summary>Sidecars in the bucket.</summary>
    public int SidecarCount => Devices * (OldSidecarsPerDevice + NewImagesPerDevice);

    /// <summary>The device folder of device <paramref name="index"/>.</summary>
    public string DeviceFolder(int index) => $"{CapturePrefix}cam-{index:D5}/";

    /// <summary>The listing.</summary>
    public InMemoryObjectStore Build()
    {
        var objects = new List<ListedObject>(ObjectCount);
        var november = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var d = 0; d < Devices; d++)
        {
            var device = DeviceFolder(d);
            for (var i = 0; i < OldImagesPerDevice; i++)
            {
                var day = november.AddDays(i * 28 / OldImagesPerDevice);
                var key = $"{device}{day:yyyy/MM/dd}/old{i:D3}";
                objects.Add(new ListedObject(key + ".jpg", 40_000, day));
                if (i >= OldImagesPerDevice - OldSidecarsPerDevice)
                {
                    objects.Add(new ListedObject(key + ".json", 300, day));
                }
            }

            for (var i = 0; i < NewImagesPerDevice; i++)
            {
                var key = $"{device}2026/12/03/new{i:D3}";
                var at = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc).AddSeconds(i);
                objects.Add(new ListedObject(key + ".jpg", 40_000, at));
                objects.Add(new ListedObject(key + ".json", 300, at));
            }
        }

        return new InMemoryObjectStore(objects);
    }

    /// <summary>Where a previous scan left each device: at its last November day folder.</summary>
    public Dictionary<string, string> PreviousPositions()
    {
        var lastOldDay = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddDays((OldImagesPerDevice - 1) * 28 / OldImagesPerDevice);
        return Enumerable.Range(0, Devices).ToDictionary(DeviceFolder, d => $"{DeviceFolder(d)}{lastOldDay:yyyy/MM/dd}/", StringComparer.Ordinal);
    }
}
