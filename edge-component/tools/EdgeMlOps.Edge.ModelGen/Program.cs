using EdgeMlOps.Edge.ModelGen.Models;

// Usage: EdgeMlOps.Edge.ModelGen --out <folder> [--no-yolov8n]
var output = Path.Combine(Directory.GetCurrentDirectory(), "models");
var includeYolo = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "--no-yolov8n":
            includeYolo = false;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: EdgeMlOps.Edge.ModelGen --out <folder> [--no-yolov8n]");
            return 2;
    }
}

foreach (var (name, path) in ModelFiles.WriteAll(output, includeYolo))
{
    Console.WriteLine($"{name}\t{new FileInfo(path).Length} bytes\t{path}");
}

return 0;
