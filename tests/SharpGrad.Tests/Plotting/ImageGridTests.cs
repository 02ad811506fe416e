using SharpGrad.Plotting;

namespace SharpGrad.Tests;

public sealed class ImageGridTests
{
    /// <summary>(N, 1, H, W) int64 images whose pixel values encode image, row and column: 100 + 20 n + 4 y + x.</summary>
    private static Tensor Numbered(int n, int h, int w)
    {
        var values = new long[n, 1, h, w];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) values[i, 0, y, x] = 100 + 20 * i + 4 * y + x;
        return Tensor.From(values);
    }

    [Fact]
    public void Geometry_FollowsNrowAndPaddingLikeMakeGrid()
    {
        var grid = new ImageGrid(Numbered(5, 4, 4), nrow: 3, padding: 2);
        Assert.Equal(3 * (4 + 2) + 2, grid.Width);
        Assert.Equal(2 * (4 + 2) + 2, grid.Height);
        Assert.Equal(2, grid.Rows);
        Assert.Equal(1, grid.Channels);
        Assert.Equal((2, 2), grid.ImageOrigin(0));
        Assert.Equal((14, 2), grid.ImageOrigin(2));
        Assert.Equal((8, 8), grid.ImageOrigin(4));
        Check.Throws<ArgumentOutOfRangeException>(() => grid.ImageOrigin(5), "make_grid", "5", "5 images");
    }

    [Fact]
    public void Pixels_LandAtTheirOriginsAndPaddingHoldsPadValue()
    {
        var grid = new ImageGrid(Numbered(5, 4, 4), nrow: 3, padding: 2, padValue: 1.0);
        var p = grid.Pixels.ToArray();
        for (int i = 0; i < 5; i++)
        {
            var (x0, y0) = grid.ImageOrigin(i);
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++) Assert.Equal(100 + 20 * i + 4 * y + x, p[(y0 + y) * grid.Width + x0 + x]);
        }
        Assert.Equal(255, p[0]);                                  // top-left padding
        Assert.Equal(255, p[7 * grid.Width + 7]);                 // gap between images
        Assert.Equal(255, p[10 * grid.Width + 16]);               // the empty sixth cell
        Assert.Equal(p.Length - 5 * 16, p.Count(v => v == 255));  // everything else is padding
    }

    [Fact]
    public void Nrow_LargerThanTheBatchGivesOneRow()
    {
        var grid = new ImageGrid(Tensor.Zeros(3, 5, 7), nrow: 8, padding: 1);
        Assert.Equal((3 * 8 + 1, 5 + 2), (grid.Width, grid.Height));
        Assert.Equal(1, grid.Rows);
    }

    [Fact]
    public void Float_IsClampedToUnitRangeAndRounded()
    {
        var images = Tensor.From(new double[,,,] { { { { 0, 0.5, 1 }, { 1.5, -0.2, double.NaN } } } });
        var grid = new ImageGrid(images, padding: 0);
        // floor(255 v + 0.5) after clamping to [0, 1]; NaN becomes 0.
        Assert.Equal(new byte[] { 0, 128, 255, 255, 0, 0 }, grid.Pixels.ToArray());
    }

    [Fact]
    public void Normalize_ScalesMinMaxOverTheBatchOrEachImage()
    {
        var images = Tensor.From(new float[,,] { { { 2, 4 } }, { { 6, 10 } } }); // (N, H, W) = (2, 1, 2)
        var batch = new ImageGrid(images, nrow: 2, padding: 0, normalize: true);
        Assert.Equal(new byte[] { 0, 64, 128, 255 }, batch.Pixels.ToArray()); // (v - 2) / 8
        var each = new ImageGrid(images, nrow: 2, padding: 0, normalize: true, scaleEach: true);
        Assert.Equal(new byte[] { 0, 255, 0, 255 }, each.Pixels.ToArray());
        var range = new ImageGrid(images, nrow: 2, padding: 0, normalize: true, valueRange: (0, 8));
        Assert.Equal(new byte[] { 64, 128, 191, 255 }, range.Pixels.ToArray());
    }

    [Fact]
    public void Rgb_StaysInterleavedAndEncodesAsRgbPng()
    {
        var values = new long[1, 3, 1, 2] { { { { 10, 20 } }, { { 30, 40 } }, { { 50, 60 } } } };
        var grid = new ImageGrid(Tensor.From(values), padding: 1);
        Assert.Equal(3, grid.Channels);
        var (w, h, c, pixels) = PngReader.Decode(grid.ToPng());
        Assert.Equal((4, 3, 3), (w, h, c));
        Assert.Equal(pixels, grid.Pixels.ToArray());
        int at = (1 * w + 1) * 3;
        Assert.Equal(new byte[] { 10, 30, 50, 20, 40, 60 }, pixels[at..(at + 6)]);
    }

    [Fact]
    public void Labels_AreDrawnInTheBandUnderEachImage()
    {
        var grid = new ImageGrid(Tensor.Zeros(2, 1, 6, 6), nrow: 2, padding: 2, labels: ["1", "7"]);
        int band = 7 + 3;
        Assert.Equal(2 * (6 + 2) + 2, grid.Width);
        Assert.Equal(6 + band + 2 + 2, grid.Height);
        var p = grid.Pixels.ToArray();
        // The glyphs of '1' and '7', spelled out here, start 2 px under each image, centred on it.
        string[] one = ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."];
        string[] seven = ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."];
        foreach (var (index, glyph) in new[] { (0, one), (1, seven) })
        {
            var (x0, y0) = grid.ImageOrigin(index);
            for (int r = 0; r < 7; r++)
                for (int c = 0; c < 5; c++)
                    Assert.Equal(glyph[r][c] == '#' ? 255 : 0, p[(y0 + 6 + 2 + r) * grid.Width + x0 + 0 + c]);
        }
        Assert.Equal(10 + 11, p.Count(v => v == 255)); // '1' lights 10 pixels, '7' lights 11, nothing else
    }

    [Fact]
    public void Labels_AreCutToTheCellWidth()
    {
        var grid = new ImageGrid(Tensor.Zeros(1, 1, 8, 8), padding: 0, labels: ["LONG LABEL"]);
        var p = grid.Pixels.ToArray();
        // Only one 5-pixel glyph fits in 8 pixels, centred at columns 1..5: nothing is drawn right of it.
        for (int y = 8; y < grid.Height; y++)
            for (int x = 6; x < 8; x++) Assert.Equal(0, p[y * grid.Width + x]);
        Assert.Contains(p, v => v == 255);
    }

    [Fact]
    public void SavePng_WritesADecodablePng()
    {
        string dir = Directory.CreateTempSubdirectory("sharpgrad-grid-").FullName;
        try
        {
            var grid = new ImageGrid(Numbered(3, 4, 4), nrow: 2, labels: ["a", "b", "c"]);
            string path = Path.Combine(dir, "grid.png");
            grid.SavePng(path);
            var (w, h, c, pixels) = PngReader.Decode(File.ReadAllBytes(path));
            Assert.Equal((grid.Width, grid.Height, 1), (w, h, c));
            Assert.Equal(grid.Pixels.ToArray(), pixels);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Rejects_BadShapesValuesAndArguments()
    {
        Check.Throws<ArgumentException>(() => new ImageGrid(Tensor.Zeros(2, 2, 3, 3)), "make_grid", "1 or 3 channels", "[2, 2, 3, 3]");
        Check.Throws<ArgumentException>(() => new ImageGrid(Tensor.Zeros(5)), "make_grid", "[5]");
        Check.Throws<ArgumentException>(() => new ImageGrid(Tensor.From(new long[,] { { 0, 300 } })), "make_grid", "0..255", "300");
        Check.Throws<ArgumentException>(() => new ImageGrid(Tensor.Zeros(2, 3, 3), labels: ["x"]), "make_grid", "1 labels for 2 images");
        Check.Throws<ArgumentOutOfRangeException>(() => new ImageGrid(Tensor.Zeros(2, 3, 3), nrow: 0), "make_grid", "nrow");
        Check.Throws<ArgumentOutOfRangeException>(() => new ImageGrid(Tensor.Zeros(2, 3, 3), padding: -1), "make_grid", "padding");
    }
}
