import { notJsonText } from '../../connectors/shared/http.js';

/** A broken successful answer carries buyers' data: its message says what it looks like, never what it holds. */
describe('notJsonText', () => {
  test('names the shape and length, never the content', () => {
    const body = '{"orderModelList":[{"orderNumber":"387654-20261129-0000000001","OrdererModel":{"familyName":"佐藤","firstName":"一郎","zipCode1":"150"';
    const text = notJsonText(body);
    expect(text).toBe(`not JSON: JSON cut off or broken, ${body.length} characters (content not logged)`);
    expect(text).not.toContain('佐藤');
    expect(notJsonText('<html><body>Bad gateway</body></html>')).toMatch(/^not JSON: an HTML or XML page, 37 characters/);
    expect(notJsonText('oops')).toMatch(/^not JSON: plain text, 4 characters/);
  });
});
