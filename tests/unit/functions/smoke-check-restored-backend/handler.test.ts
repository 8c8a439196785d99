/** Where the smoke checks go: the task's private IP from its network attachment. */
import { privateIpOf } from '../../../../functions/smoke-check-restored-backend/handler.js';

describe('privateIpOf', () => {
  it('reads privateIPv4Address from the ENI attachment', () => {
    expect(
      privateIpOf({
        Attachments: [
          {
            Details: [
              { Name: 'subnetId', Value: 'subnet-1' },
              { Name: 'privateIPv4Address', Value: '10.0.12.7' },
            ],
          },
        ],
      }),
    ).toBe('10.0.12.7');
  });

  it.each([
    ['no attachment', {}, 'found none'],
    [
      'a value that is no IPv4 address',
      { Attachments: [{ Details: [{ Name: 'privateIPv4Address', Value: 'x; rm' }] }] },
      'found "x; rm"',
    ],
  ])('refuses %s, saying what it found', (_, task, message) => {
    expect(() => privateIpOf(task)).toThrow(message);
  });
});
