namespace SharpGrad.Plotting;

/// <summary>
/// A tiny 5x7 pixel font for writing labels into PNG images, which carry no text of their own.
/// It has digits, capital letters and common punctuation; lower-case letters are drawn as capitals,
/// and any other character as '?'. Each glyph cell is 6 pixels wide (one column of spacing).
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5, GlyphHeight = 7, Advance = 6;

    private static readonly Dictionary<char, byte[]> Glyphs = Build();

    private static Dictionary<char, byte[]> Build()
    {
        // Each glyph: seven rows of five pixels, '#' on, '.' off.
        var source = new Dictionary<char, string>
        {
            ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.",
            ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####",
            ['3'] = "##### ...#. ..#.. ...#. ....# #...# .###.",
            ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
            ['5'] = "##### #.... ####. ....# ....# #...# .###.",
            ['6'] = "..##. .#... #.... ####. #...# #...# .###.",
            ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
            ['8'] = ".###. #...# #...# .###. #...# #...# .###.",
            ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",
            ['A'] = ".###. #...# #...# ##### #...# #...# #...#",
            ['B'] = "####. #...# #...# ####. #...# #...# ####.",
            ['C'] = ".###. #...# #.... #.... #.... #...# .###.",
            ['D'] = "###.. #..#. #...# #...# #...# #..#. ###..",
            ['E'] = "##### #.... #.... ####. #.... #.... #####",
            ['F'] = "##### #.... #.... ####. #.... #.... #....",
            ['G'] = ".###. #...# #.... #.### #...# #...# .####",
            ['H'] = "#...# #...# #...# ##### #...# #...# #...#",
            ['I'] = ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['J'] = "..### ...#. ...#. ...#. ...#. #..#. .##..",
            ['K'] = "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
            ['L'] = "#.... #.... #.... #.... #.... #.... #####",
            ['M'] = "#...# ##.## #.#.# #.#.# #...# #...# #...#",
            ['N'] = "#...# #...# ##..# #.#.# #..## #...# #...#",
            ['O'] = ".###. #...# #...# #...# #...# #...# .###.",
            ['P'] = "####. #...# #...# ####. #.... #.... #....",
            ['Q'] = ".###. #...# #...# #...# #.#.# #..#. .##.#",
            ['R'] = "####. #...# #...# ####. #.#.. #..#. #...#",
            ['S'] = ".#### #.... #.... .###. ....# ....# ####.",
            ['T'] = "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['U'] = "#...# #...# #...# #...# #...# #...# .###.",
            ['V'] = "#...# #...# #...# #...# #...# .#.#. ..#..",
            ['W'] = "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
            ['X'] = "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
            ['Y'] = "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
            ['Z'] = "##### ....# ...#. ..#.. .#... #.... #####",
            [' '] = "..... ..... ..... ..... ..... ..... .....",
            ['.'] = "..... ..... ..... ..... ..... .##.. .##..",
            [','] = "..... ..... ..... ..... .##.. ..#.. .#...",
            [':'] = "..... .##.. .##.. ..... .##.. .##.. .....",
            [';'] = "..... .##.. .##.. ..... .##.. ..#.. .#...",
            ['-'] = "..... ..... ..... .###. ..... ..... .....",
            ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
            ['='] = "..... ..... ##### ..... ##### ..... .....",
            ['_'] = "..... ..... ..... ..... ..... ..... #####",
            ['/'] = "....# ....# ...#. ..#.. .#... #.... #....",
            ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.",
            [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
            ['['] = ".###. .#... .#... .#... .#... .#... .###.",
            [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.",
            ['%'] = "##..# ##..# ...#. ..#.. .#... #..## #..##",
            ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
            ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
            ['\''] = "..#.. ..#.. .#... ..... ..... ..... .....",
            ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
            ['*'] = "..... ..#.. #.#.# .###. #.#.# ..#.. .....",
        };
        var glyphs = new Dictionary<char, byte[]>();
        foreach (var (c, rows) in source)
        {
            var bits = new byte[GlyphHeight];
            var parts = rows.Split(' ');
            for (int r = 0; r < GlyphHeight; r++)
                for (int col = 0; col < GlyphWidth; col++)
                    if (parts[r][col] == '#') bits[r] |= (byte)(1 << (GlyphWidth - 1 - col));
            glyphs[c] = bits;
        }
        return glyphs;
    }

    /// <summary>The rows of a character's glyph (bit 4 is the leftmost pixel).</summary>
    public static byte[] Glyph(char c) =>
        Glyphs.TryGetValue(char.ToUpperInvariant(c), out var g) ? g : Glyphs['?'];

    /// <summary>The width in pixels of <paramref name="length"/> characters at the given scale, without trailing spacing.</summary>
    public static int Measure(int length, int scale) => length == 0 ? 0 : (length * Advance - 1) * scale;

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (x, y) into an interleaved 8-bit image,
    /// setting every channel of the lit pixels to <paramref name="value"/>; pixels outside the image are skipped.
    /// </summary>
    public static void Draw(byte[] pixels, int width, int height, int channels, int x, int y, string text, int scale, byte value)
        => Draw(pixels, width, height, channels, x, y, text, scale, [value, value, value]);

    /// <summary>Draws <paramref name="text"/> in the colour <paramref name="rgb"/> (a grayscale picture takes its first byte).</summary>
    public static void Draw(byte[] pixels, int width, int height, int channels, int x, int y, string text, int scale, byte[] rgb)
    {
        for (int i = 0; i < text.Length; i++)
        {
            var glyph = Glyph(text[i]);
            int gx = x + i * Advance * scale;
            for (int r = 0; r < GlyphHeight; r++)
                for (int c = 0; c < GlyphWidth; c++)
                {
                    if ((glyph[r] & (1 << (GlyphWidth - 1 - c))) == 0) continue;
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                        {
                            int px = gx + c * scale + dx, py = y + r * scale + dy;
                            if (px < 0 || py < 0 || px >= width || py >= height) continue;
                            int at = (py * width + px) * channels;
                            for (int ch = 0; ch < channels; ch++) pixels[at + ch] = rgb[ch];
                        }
                }
        }
    }
}
