using SharpGrad.Vision;

namespace SharpGrad.Tests;

public sealed class PixelBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(784)]
    [InlineData(1000)]
    public void DivideBy255_MatchesScalarDivisionBitForBit(int length)
    {
        var source = new byte[length + 3];
        for (int i = 0; i < source.Length; i++) source[i] = (byte)((i * 37 + 11) % 256);
        // An offset start, so the vector loop also runs on unaligned spans.
        var target = new float[length];
        PixelBytes.DivideBy255(source.AsSpan(3, length), target);
        for (int i = 0; i < length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(source[i + 3] / 255f), BitConverter.SingleToInt32Bits(target[i]));
    }

    [Fact]
    public void DivideBy255_CoversEveryGreyLevel()
    {
        var source = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var target = new float[256];
        PixelBytes.DivideBy255(source, target);
        for (int i = 0; i < 256; i++) Assert.Equal(BitConverter.SingleToInt32Bits(i / 255f), BitConverter.SingleToInt32Bits(target[i]));
        Assert.True(PixelBytes.IsDivideBy255(target));
        target[200] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(target[200]) + 1);
        Assert.False(PixelBytes.IsDivideBy255(target));
        Assert.False(PixelBytes.IsDivideBy255(new float[255]));
    }

    [Fact]
    public void DivideBy255_LengthMismatch_Throws() =>
        Check.Throws<ArgumentException>(() => PixelBytes.DivideBy255(new byte[4], new float[3]), "4 bytes but 3 floats");
}
