import { formatRate } from '../format';
import { isAdmin, useMe } from '../me';
import { uiPath } from '../router';
import type { EndpointStats } from '../types';
import { Clip, Time } from './common';

const SHOWN = 5;

export function WorstEndpoints({ rows }: { rows: EndpointStats[] }) {
  const me = useMe();
  // The API sorts worst first; endpoints without attempts in the window have no rate to rank.
  const worst = rows.filter((r) => r.success_rate !== null).slice(0, SHOWN);
  if (worst.length === 0) return <p class="muted">No attempts in this window.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="worst-endpoints">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            {isAdmin(me) ? <th scope="col">Tenant</th> : null}
            <th scope="col" class="num">
              Success rate
            </th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col" class="num">
              Failed deliveries
            </th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {worst.map((r) => (
            <tr key={r.subscription_id}>
              <td>
                <a href={uiPath('endpoints', r.subscription_id)}>
                  <Clip text={r.url} />
                </a>
              </td>
              {isAdmin(me) ? <td>{r.tenant_id ?? <span class="muted">—</span>}</td> : null}
              <td class="num">{formatRate(r.success_rate)}</td>
              <td class="num">{r.attempts}</td>
              <td class="num">{r.failed}</td>
              <td>
                <Clip text={r.last_error} /> {r.last_error_at ? <Time iso={r.last_error_at} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
